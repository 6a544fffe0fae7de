import { parseVariableValue, pythonLiteralToJson } from '../../nodes/shared/helpers/variableValue';

describe('conversation variable values (Python str() text)', () => {
	it('reads Python literals as JSON', () => {
		expect(pythonLiteralToJson("{'a': True, 'b': None, 'c': [1, 'x\\'y'], 'd': \"q\"}")).toBe('{"a": true, "b": null, "c": [1, "x\'y"], "d": "q"}');
		expect(parseVariableValue('object', "{'name': 'Ada', 'ok': False}")).toEqual({ name: 'Ada', ok: false });
		expect(parseVariableValue('array[string]', "['a', 'b']")).toEqual(['a', 'b']);
	});

	it('types numbers and booleans, and keeps unreadable text as is', () => {
		expect(parseVariableValue('number', '3.5')).toBe(3.5);
		expect(parseVariableValue('boolean', 'True')).toBe(true);
		expect(parseVariableValue('string', '{"a":1}')).toBe('{"a":1}');
		expect(parseVariableValue('object', '{broken')).toBe('{broken');
	});
});
