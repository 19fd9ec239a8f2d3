import {
  DESCRIPTION_MAX,
  NAME_MAX,
  NAME_MIN,
  ONE_LINE_FORBIDDEN,
  TAG_MAX,
  TAG_MIN,
  TAGS_MAX,
} from '../../../../libs/contracts/src/browser.js';

/**
 * What the upload form checks before sending: the pod's own limits, so that a refusal names
 * the field at once instead of after the transfer. The pod checks again and has the last word.
 */
export { DESCRIPTION_MAX, NAME_MAX, NAME_MIN, TAG_MAX, TAG_MIN, TAGS_MAX };

const VIDEO_EXTENSIONS = /\.(mp4|m4v|webm|mkv|mov|avi|ogv|ogg|mpg|mpeg|ts|flv|wmv|3gp)$/i;

export interface UploadDraft {
  file: File | null;
  name: string;
  description: string;
  /** As typed: comma-separated. */
  tags: string;
}

export type UploadField = 'file' | 'name' | 'description' | 'tags';
export type UploadErrors = Partial<Record<UploadField, string>>;

/** "p2p, Animation , p2p" → ["p2p", "Animation"] */
export function parseTags(text: string): string[] {
  const tags: string[] = [];
  for (const raw of text.split(',')) {
    const tag = raw.trim();
    if (tag && !tags.includes(tag)) tags.push(tag);
  }
  return tags;
}

export function isVideoFile(file: File): boolean {
  return file.type.startsWith('video/') || (file.type === '' || file.type === 'application/octet-stream' ? VIDEO_EXTENSIONS.test(file.name) : false);
}

/** One message per field that is wrong; an empty object when the draft can be sent. */
export function validateUpload(draft: UploadDraft): UploadErrors {
  const errors: UploadErrors = {};
  if (!draft.file) errors.file = 'Choose a video file.';
  else if (draft.file.size === 0) errors.file = `${draft.file.name} is empty.`;
  else if (!isVideoFile(draft.file)) errors.file = `${draft.file.name} is not a video (${draft.file.type || 'unknown type'}).`;

  const name = draft.name.trim();
  if (name.length < NAME_MIN || name.length > NAME_MAX) errors.name = `The name needs ${NAME_MIN} to ${NAME_MAX} characters (now ${name.length}).`;
  else if (ONE_LINE_FORBIDDEN.test(name)) errors.name = 'The name must be one line.';

  if (draft.description.trim().length > DESCRIPTION_MAX) errors.description = `At most ${DESCRIPTION_MAX.toLocaleString('en')} characters.`;

  const tags = parseTags(draft.tags);
  if (tags.length > TAGS_MAX) errors.tags = `At most ${TAGS_MAX} tags (now ${tags.length}).`;
  else {
    const bad = tags.find((tag) => tag.length < TAG_MIN || tag.length > TAG_MAX);
    if (bad !== undefined) errors.tags = `Each tag needs ${TAG_MIN} to ${TAG_MAX} characters: "${bad}".`;
  }
  return errors;
}
