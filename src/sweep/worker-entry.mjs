// The file piscina loads in each worker thread. Worker threads do not inherit the TypeScript
// loader of the main thread when it is not a process-wide --import (vitest, a library user's
// own loader), so register tsx here, then hand over to the TypeScript handler.
import { register } from 'tsx/esm/api';

register();
const { default: handle } = await import('./worker-thread.ts');
export default handle;
