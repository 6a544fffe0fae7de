import { appGet } from '../../helpers/appGet';

export const getSite = appGet('getSite', 'Get Site', '/site', 'Get the WebApp settings of the app', 'Get the WebApp settings of the app (title, icon, theme, language, copyright)');
