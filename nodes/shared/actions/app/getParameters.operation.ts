import { appGet } from '../../helpers/appGet';

export const getParameters = appGet('getParameters',
	'Get Parameters',
	'/parameters',
	'Get the app input form and enabled features',
	'Get the input variables, file upload settings and features (speech, suggestions, citations) of the app');
