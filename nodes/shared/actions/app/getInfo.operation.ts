import { appGet } from '../../helpers/appGet';

export const getInfo = appGet('getInfo', 'Get Info', '/info', 'Get the app name, description, tags and mode', 'Get the basic information of the Dify app behind the API key');
