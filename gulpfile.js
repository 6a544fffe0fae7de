// tsc only emits JavaScript; n8n loads node and credential icons from files beside the compiled code
// (icons/ is shared by every node and credential, as in n8n-node's templates).
const { src, dest, task } = require('gulp');

task('build:icons', () => src(['icons/*.svg'], { base: '.', encoding: false }).pipe(dest('dist')));
