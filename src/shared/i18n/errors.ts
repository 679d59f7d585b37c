/** Message descriptors for what the capture pipeline and the device's storage report. */
import type { CaptureProblem } from '../../capture/files';
import { msg, rawMsg, type Msg } from './messages';

export function captureMsg(p: CaptureProblem): Msg {
  const name = 'file' in p && p.file ? p.file : msg('capture.photo');
  switch (p.code) {
    case 'empty':
      return msg('capture.empty', { name });
    case 'tooLarge':
      return msg('capture.tooLarge', { name, mb: p.limitMb });
    case 'notImageOrPdf':
      return msg('capture.notImageOrPdf', { name });
    case 'pdfTooLarge':
      return msg('capture.pdfTooLarge', { name, mb: p.limitMb });
    case 'unreadable':
      return msg('capture.unreadable', { name, reason: p.reason });
    case 'badSignature':
      return msg('capture.badSignature');
  }
}

/** A page's quality warning: a code from capture, or the words an older version stored with a draft. */
export function pageWarningMsg(warning: string): Msg {
  return warning === 'blurred' || warning === 'dark' ? msg(`capture.${warning}`) : rawMsg(warning);
}
