export { speechToText } from './speechToText';
export { textToSpeech } from './textToSpeech';
