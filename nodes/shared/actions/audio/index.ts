export { speechToText } from './speechToText.operation';
export { textToSpeech } from './textToSpeech.operation';
