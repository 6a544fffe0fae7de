/** The name from a Content-Disposition header, made safe; parsed and cleaned in the transport with the other file-name rules. */
export { fileNameFromDisposition } from '../transport/fileName';
