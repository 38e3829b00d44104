import type { Control } from '../../engine/types.js';
import { anonymousBinding } from './anonymous-binding.js';
import { roleRightControls } from './role-rights.js';
import { workloadPowerfulSa } from './workload-powerful-sa.js';

export const rbacControls: Control[] = [...roleRightControls, anonymousBinding, workloadPowerfulSa];
export { rbacExemptions } from './exemptions.js';
