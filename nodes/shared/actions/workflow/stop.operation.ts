import { stopTaskOperation } from '../../helpers/stopTask';

export const stop = stopTaskOperation({
	action: 'Stop a running Dify workflow',
	description: 'Stop a workflow run that is still running, by the task ID its run reported',
	taskIdDescription:
		'The task_id of the run (the Run operation outputs it; a streaming run knows it from its first event). It is not the workflow_run_id.',
	userDescription: 'Any User: Dify requires the field for workflow stops but does not check it',
	base: () => '/workflows/tasks',
});
