import {
  DESCRIPTION_FORBIDDEN as CONTROL_BUT_TAB_AND_NEWLINES,
  DESCRIPTION_MAX,
  NAME_MAX,
  NAME_MIN,
  ONE_LINE_FORBIDDEN as CONTROL,
  TAG_MAX,
  TAG_MIN,
  TAGS_MAX,
} from '@swarmtube/contracts';

export { DESCRIPTION_MAX, NAME_MAX, NAME_MIN, TAG_MAX, TAG_MIN, TAGS_MAX };

/**
 * What a user may write about a video: the rules of the VideoPublished/VideoUpdated schemas
 * (events/common.schema.json), checked on the way in so that a refusal names the field
 * instead of surfacing later as a schema error of the event.
 */
export interface VideoFields {
  name: string;
  description: string;
  tags: string[];
}

export type FieldsResult<T> = { ok: true; value: T } | { ok: false; problems: string[] };

function oneLine(field: string, raw: unknown, min: number, max: number, problems: string[]): string | undefined {
  if (typeof raw !== 'string') {
    problems.push(`${field}: must be a string`);
    return undefined;
  }
  const value = raw.trim();
  if (CONTROL.test(value)) problems.push(`${field}: must be one line without control characters`);
  else if (value.length < min || value.length > max) problems.push(`${field}: must be ${min} to ${max} characters (got ${value.length})`);
  return value;
}

/**
 * Parses the fields of an upload (all but tags and description required) or of an edit
 * (`partial`: any subset, at least one). Strings are trimmed; exact duplicate tags are
 * dropped. Unknown keys are refused so that a typo ("title") does not pass silently.
 */
export function parseVideoFields(raw: Record<string, unknown>, options: { partial: boolean }): FieldsResult<Partial<VideoFields>> {
  const problems: string[] = [];
  const value: Partial<VideoFields> = {};
  for (const key of Object.keys(raw)) if (key !== 'name' && key !== 'description' && key !== 'tags') problems.push(`${key}: unknown field`);

  if (raw.name !== undefined) value.name = oneLine('name', raw.name, NAME_MIN, NAME_MAX, problems);
  else if (!options.partial) problems.push('name: required');

  if (raw.description !== undefined) {
    if (typeof raw.description !== 'string') problems.push('description: must be a string');
    else {
      const description = raw.description.replace(/\r\n/g, '\n').trim();
      if (description.length > DESCRIPTION_MAX) problems.push(`description: at most ${DESCRIPTION_MAX} characters (got ${description.length})`);
      else if (CONTROL_BUT_TAB_AND_NEWLINES.test(description)) problems.push('description: control characters other than tabs and line breaks are not allowed');
      value.description = description;
    }
  } else if (!options.partial) value.description = '';

  if (raw.tags !== undefined) {
    if (!Array.isArray(raw.tags)) problems.push('tags: must be a list of strings');
    else {
      const tags: string[] = [];
      raw.tags.forEach((tag, i) => {
        const parsed = oneLine(`tags[${i}]`, tag, TAG_MIN, TAG_MAX, problems);
        if (parsed !== undefined && !tags.includes(parsed)) tags.push(parsed);
      });
      if (tags.length > TAGS_MAX) problems.push(`tags: at most ${TAGS_MAX} (got ${tags.length})`);
      value.tags = tags;
    }
  } else if (!options.partial) value.tags = [];

  if (options.partial && problems.length === 0 && Object.keys(value).length === 0) problems.push('nothing to change: send name, description or tags');
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value };
}
