/**
 * Dify returns conversation variable values as Python `str()` text (docs/dify-behaviour.md, 'Conversation variables'): objects come back as
 * `{'a': True, 'b': None}`, not JSON. Converts that literal syntax to JSON text, token by token.
 */
export function pythonLiteralToJson(text: string): string {
	let out = '';
	for (let i = 0; i < text.length; ) {
		const ch = text[i];
		if (ch === "'" || ch === '"') {
			let value = '';
			let j = i + 1;
			for (; j < text.length && text[j] !== ch; j++) {
				if (text[j] === '\\' && j + 1 < text.length) {
					const next = text[++j];
					value += next === 'n' ? '\n' : next === 't' ? '\t' : next === 'r' ? '\r' : next;
				} else {
					value += text[j];
				}
			}
			out += JSON.stringify(value);
			i = j + 1;
			continue;
		}
		const word = /^(True|False|None)\b/.exec(text.slice(i));
		if (word) {
			out += word[1] === 'True' ? 'true' : word[1] === 'False' ? 'false' : 'null';
			i += word[1].length;
			continue;
		}
		out += ch;
		i++;
	}
	return out;
}

/** Typed value of a conversation variable; the raw text is kept when it cannot be read. */
export function parseVariableValue(valueType: string, raw: unknown): unknown {
	if (typeof raw !== 'string') return raw;
	if (valueType === 'number') return raw.trim() !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : raw;
	if (valueType === 'boolean') return /^(true|1)$/i.test(raw.trim()) ? true : /^(false|0)$/i.test(raw.trim()) ? false : raw;
	if (valueType === 'object' || valueType.startsWith('array') || valueType === 'file') {
		for (const candidate of [raw, pythonLiteralToJson(raw)]) {
			try {
				return JSON.parse(candidate);
			} catch {
				// try the next reading
			}
		}
	}
	return raw;
}
