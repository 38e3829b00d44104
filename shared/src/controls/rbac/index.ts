import type { Control } from '../../engine/types.js';
import { anonymousBinding } from './anonymous-binding.js';
import { bindingMissingRole } from './binding-missing-role.js';
import { roleRightControls } from './role-rights.js';
import { workloadPowerfulSa } from './workload-powerful-sa.js';

export const rbacControls: Control[] = [...roleRightControls, anonymousBinding, bindingMissingRole, workloadPowerfulSa];
export { rbacExemptions } from './exemptions.js';
