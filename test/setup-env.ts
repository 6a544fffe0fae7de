import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

// n8n-core reads these once, when its services are first built: keep it away from ~/.n8n, quiet and
// allowed to call the test server on 127.0.0.1.
process.env.N8N_USER_FOLDER = mkdtempSync(join(tmpdir(), 'dify-suite-n8n-'));
process.env.N8N_ENCRYPTION_KEY ??= 'dify-suite-test-key';
process.env.N8N_LOG_LEVEL = 'silent';
process.env.N8N_SSRF_PROTECTION_ENABLED = 'false';
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
process.env.NO_PROXY = ['127.0.0.1', 'localhost', process.env.NO_PROXY].filter(Boolean).join(',');
