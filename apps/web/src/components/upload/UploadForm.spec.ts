import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import UploadForm from './UploadForm.vue';
import { parseTags, validateUpload } from '@/composables/upload-validation';

function aFile(name = 'bunny.mp4', type = 'video/mp4', bytes = 1024): File {
  return new File([new Uint8Array(bytes)], name, { type });
}

async function pick(form: ReturnType<typeof mount>, file: File) {
  const input = form.get('[data-testid="file-input"]');
  Object.defineProperty(input.element, 'files', { value: [file], configurable: true });
  await input.trigger('change');
}

describe('upload validation', () => {
  it('names each wrong field', () => {
    expect(validateUpload({ file: null, name: 'ab', description: '', tags: '' })).toEqual({
      file: 'Choose a video file.',
      name: 'The name needs 3 to 120 characters (now 2).',
    });
    expect(validateUpload({ file: aFile('notes.txt', 'text/plain'), name: 'Fine name', description: 'x'.repeat(10_001), tags: 'a, b, c, d, e, f' })).toEqual({
      file: 'notes.txt is not a video (text/plain).',
      description: 'At most 10,000 characters.',
      tags: 'At most 5 tags (now 6).',
    });
    expect(validateUpload({ file: aFile('empty.mp4', 'video/mp4', 0), name: 'Fine name', description: '', tags: 'ok, x' })).toEqual({
      file: 'empty.mp4 is empty.',
      tags: 'Each tag needs 2 to 30 characters: "x".',
    });
  });

  it('takes a video by its extension when the browser gives no type, and dedupes tags', () => {
    expect(validateUpload({ file: aFile('clip.mkv', ''), name: 'A clip', description: '', tags: 'p2p, p2p , cats' })).toEqual({});
    expect(parseTags(' p2p, cats,, p2p ')).toEqual(['p2p', 'cats']);
  });
});

describe('UploadForm', () => {
  it('shows no error before the first attempt, then one per field, linked to its input', async () => {
    const form = mount(UploadForm, { props: { busy: false } });
    expect(form.find('.field-error').exists()).toBe(false);
    await form.get('form').trigger('submit');
    expect(form.emitted('submit')).toBeUndefined();
    expect(form.get('[data-testid="error-file"]').text()).toBe('Choose a video file.');
    expect(form.get('[data-testid="error-name"]').text()).toContain('3 to 120 characters');
    const name = form.get('[data-testid="name-input"]');
    expect(name.attributes('aria-invalid')).toBe('true');
    expect(name.attributes('aria-describedby')).toBe('video-name-error');
  });

  it('takes a dropped file, names the video after it, and submits trimmed fields and parsed tags', async () => {
    const form = mount(UploadForm, { props: { busy: false } });
    const file = aFile('big_buck-bunny.mp4');
    await form.get('[data-testid="dropzone"]').trigger('drop', { dataTransfer: { files: [file] } });
    expect(form.get('[data-testid="chosen-file"]').text()).toContain('big_buck-bunny.mp4');
    expect((form.get('[data-testid="name-input"]').element as HTMLInputElement).value).toBe('big buck bunny');
    await form.get('[data-testid="description-input"]').setValue('  A tone.  ');
    await form.get('[data-testid="tags-input"]').setValue('animation, p2p, animation');
    await form.get('form').trigger('submit');
    expect(form.emitted('submit')).toEqual([[{ file, name: 'big buck bunny', description: 'A tone.', tags: ['animation', 'p2p'] }]]);
  });

  it('refuses a file that is not a video, picked with the file input', async () => {
    const form = mount(UploadForm, { props: { busy: false } });
    await pick(form, aFile('slides.pdf', 'application/pdf'));
    await form.get('[data-testid="name-input"]').setValue('Slides');
    await form.get('form').trigger('submit');
    expect(form.get('[data-testid="error-file"]').text()).toBe('slides.pdf is not a video (application/pdf).');
    expect(form.emitted('submit')).toBeUndefined();
  });

  it("shows the pod's problem detail as an alert, and submits nothing while busy", async () => {
    const form = mount(UploadForm, { props: { busy: true, error: 'the video is larger than this pod accepts (1048576 bytes)' } });
    const alert = form.get('[data-testid="upload-error"]');
    expect(alert.attributes('role')).toBe('alert');
    expect(alert.text()).toBe('the video is larger than this pod accepts (1048576 bytes)');
    expect(form.get('[data-testid="upload-submit"]').attributes('disabled')).toBeDefined();
    await pick(form, aFile());
    await form.get('form').trigger('submit');
    expect(form.emitted('submit')).toBeUndefined();
  });
});
