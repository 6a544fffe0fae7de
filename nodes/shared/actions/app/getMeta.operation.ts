import { appGet } from '../../helpers/appGet';

export const getMeta = appGet('getMeta', 'Get Meta', '/meta', "Get the icons of the app's tools", 'Get the meta information of the app (tool icons)');
