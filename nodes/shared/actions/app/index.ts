import { appGet } from './appGet';

export const getInfo = appGet('getInfo', 'Get Info', '/info', 'Get the app name, description, tags and mode', 'Get the basic information of the Dify app behind the API key');
export const getParameters = appGet(
	'getParameters',
	'Get Parameters',
	'/parameters',
	'Get the app input form and enabled features',
	'Get the input variables, file upload settings and features (speech, suggestions, citations) of the app',
);
export const getMeta = appGet('getMeta', 'Get Meta', '/meta', "Get the icons of the app's tools", 'Get the meta information of the app (tool icons)');
export const getSite = appGet('getSite', 'Get Site', '/site', 'Get the WebApp settings of the app', 'Get the WebApp settings of the app (title, icon, theme, language, copyright)');
