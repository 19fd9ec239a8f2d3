import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import SearchFilters, { type SearchFilterValue } from './SearchFilters.vue';

const hosts = ['127.0.0.1:9001', '127.0.0.1:9003'];

function render(modelValue: SearchFilterValue, searching = true) {
  return mount(SearchFilters, { props: { modelValue, hosts, searching } });
}

describe('SearchFilters', () => {
  it('reflects the current filter', () => {
    const filters = render({ origin: { kind: 'host', host: '127.0.0.1:9003' }, sort: '-match' });
    expect((filters.get('[data-testid="origin-host"]').element as HTMLInputElement).checked).toBe(true);
    expect((filters.get('[data-testid="origin-all"]').element as HTMLInputElement).checked).toBe(false);
    const select = filters.get('[data-testid="origin-host-select"]');
    expect((select.element as HTMLSelectElement).value).toBe('127.0.0.1:9003');
    expect(select.attributes('disabled')).toBeUndefined();
  });

  it('emits local, remote and whole-network filters, keeping the sort', async () => {
    const filters = render({ origin: { kind: 'all' }, sort: 'name' });
    await filters.get('[data-testid="origin-local"]').trigger('change');
    await filters.get('[data-testid="origin-remote"]').trigger('change');
    await filters.get('[data-testid="origin-all"]').trigger('change');
    expect(filters.emitted('update:modelValue')).toEqual([
      [{ origin: { kind: 'local' }, sort: 'name' }],
      [{ origin: { kind: 'remote' }, sort: 'name' }],
      [{ origin: { kind: 'all' }, sort: 'name' }],
    ]);
  });

  it('filters by one pod: the first known one, then the one picked', async () => {
    const filters = render({ origin: { kind: 'all' }, sort: '-publishedAt' });
    expect(filters.get('[data-testid="origin-host-select"]').attributes('disabled')).toBeDefined();
    await filters.get('[data-testid="origin-host"]').trigger('change');
    expect(filters.emitted('update:modelValue')![0]).toEqual([{ origin: { kind: 'host', host: '127.0.0.1:9001' }, sort: '-publishedAt' }]);
    await filters.setProps({ modelValue: { origin: { kind: 'host', host: '127.0.0.1:9001' }, sort: '-publishedAt' } });
    await filters.get('[data-testid="origin-host-select"]').setValue('127.0.0.1:9003');
    expect(filters.emitted('update:modelValue')![1]).toEqual([{ origin: { kind: 'host', host: '127.0.0.1:9003' }, sort: '-publishedAt' }]);
  });

  it('offers "best match" only while searching, and emits the sort picked', async () => {
    const searching = render({ origin: { kind: 'all' }, sort: '-match' });
    const options = searching.findAll('[data-testid="sort-select"] option').map((o) => o.attributes('value'));
    expect(options[0]).toBe('-match');
    expect(render({ origin: { kind: 'all' }, sort: '-publishedAt' }, false).findAll('[data-testid="sort-select"] option').map((o) => o.attributes('value'))).not.toContain('-match');
    await searching.get('[data-testid="sort-select"]').setValue('-duration');
    expect(searching.emitted('update:modelValue')).toEqual([[{ origin: { kind: 'all' }, sort: '-duration' }]]);
  });
});
