import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import type { PodView } from '@/api/types';
import { aPod } from '@/test/fixtures';
import type { Tally } from '@/composables/usePods';
import PodTable from './PodTable.vue';

function table(pods: PodView[], tallies: Array<[string, Tally]>, admin = true) {
  return mount(PodTable, { props: { pods, tallies: new Map(tallies), admin, busyHost: null }, attachTo: document.body });
}

const row = (wrapper: ReturnType<typeof table>, host: string) => wrapper.get(`[data-host="${host}"]`);

describe('PodTable', () => {
  it('shows each open motion, and offers the vote or its withdrawal by whether this pod voted', async () => {
    const wrapper = table(
      [aPod('a:1'), aPod('b:2', { status: 'expelled', friendship: 'ended' })],
      [
        ['a:1', { motion: 'expulsion', votes: 1, needed: 2, mine: true }],
        ['b:2', { motion: 'readmission', votes: 0, needed: 1, mine: false }],
      ],
    );
    expect(row(wrapper, 'a:1').get('[data-testid="pod-tally"]').text()).toMatch(/^1 of 2 needed to expel\s+incl\. this pod's$/);
    expect(row(wrapper, 'a:1').find('[data-testid="vote-button"]').exists()).toBe(false);
    await row(wrapper, 'a:1').get('[data-testid="withdraw-button"]').trigger('click');
    expect(wrapper.emitted('withdraw')).toEqual([['a:1', 'expulsion']]);

    expect(row(wrapper, 'b:2').get('[data-testid="pod-tally"]').text()).toBe('0 of 1 needed to readmit');
    await row(wrapper, 'b:2').get('[data-testid="vote-button"]').trigger('click');
    await row(wrapper, 'b:2').get('input').setValue('  back up all week  ');
    await row(wrapper, 'b:2').get('form').trigger('submit');
    expect(wrapper.emitted('vote')).toEqual([['b:2', 'readmission', 'back up all week']]);
    wrapper.unmount();
  });

  it('answers an incoming friendship request, and drops a friend only after a confirmation', async () => {
    const wrapper = table([aPod('a:1', { friendship: 'incoming', status: 'pending' }), aPod('b:2')], []);
    expect(row(wrapper, 'a:1').get('[data-testid="pod-friendship"]').text()).toMatch(/^asks to be friends/);
    await row(wrapper, 'a:1').get('[data-testid="accept-button"]').trigger('click');
    await row(wrapper, 'a:1').get('[data-testid="reject-button"]').trigger('click');

    await row(wrapper, 'b:2').get('[data-testid="drop-button"]').trigger('click');
    expect(wrapper.emitted('friendship')).toEqual([['a:1', 'accept'], ['a:1', 'reject']]);
    await row(wrapper, 'b:2').get('[data-testid="drop-confirm"]').trigger('click');
    expect(wrapper.emitted('friendship')).toEqual([['a:1', 'accept'], ['a:1', 'reject'], ['b:2', 'drop']]);
    wrapper.unmount();
  });

  it('shows no action to a viewer who is not an admin', () => {
    const wrapper = table([aPod('a:1', { friendship: 'incoming' })], [['a:1', { motion: 'expulsion', votes: 0, needed: 1, mine: false }]], false);
    for (const id of ['vote-button', 'withdraw-button', 'accept-button', 'reject-button', 'drop-button']) expect(wrapper.find(`[data-testid="${id}"]`).exists()).toBe(false);
    wrapper.unmount();
  });
});
