import type { SettingsPatch } from '../../src-main/contract/schemas.js';
import type { Settings } from '../../src-main/contract/settings.js';

/**
 * A section of the Settings dialog with a form of its own: it reports its part of the patch when
 * changed, and the dialog saves every part together (the engine validates and names the field).
 */
export interface SettingsSectionProps {
  settings: Settings | null;
  onPatch(patch: SettingsPatch): void;
}
