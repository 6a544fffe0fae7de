// tsc only emits JavaScript; n8n loads node and credential icons from files beside the compiled code.
const { src, dest, task } = require('gulp');

task('build:icons', () =>
	src(['nodes/**/*.svg', 'credentials/**/*.svg'], { base: '.', encoding: false }).pipe(dest('dist')),
);
