/** How the dialogs name each export format (settings' default and the export dialog offer the same list). */
import { EXPORT_FORMATS, type ExportFormat } from '../../../shared/types.ts';

const LABELS: Record<ExportFormat, string> = {
  jpeg: 'JPEG',
  png: 'PNG',
  tiff16: 'TIFF, 16-bit',
  original: 'Keep the original files'
};

export const exportFormatChoices = EXPORT_FORMATS.map((value) => ({ value, label: LABELS[value] }));
