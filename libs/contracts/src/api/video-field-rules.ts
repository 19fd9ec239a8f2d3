/**
 * The limits on what a user writes about a video: those of the VideoPublished/VideoUpdated
 * schemas (events/common.schema.json). The pod enforces them on upload and edit; the site's
 * upload form checks them before the transfer, so a refusal names the field at once.
 * Constants only: browser-safe.
 */
export const NAME_MIN = 3;
export const NAME_MAX = 120;
export const DESCRIPTION_MAX = 10_000;
export const TAGS_MAX = 5;
export const TAG_MIN = 2;
export const TAG_MAX = 30;

/** A name or a tag is one line: no control character at all. */
export const ONE_LINE_FORBIDDEN = /[\u0000-\u001f\u007f]/;
/** A description may hold tabs and line breaks, no other control character. */
export const DESCRIPTION_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
