import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { commandLineOf, reapLeftoverChildren, recordChildrenIn, spawnTool } from './child-processes.js';

/** A PID that is certainly not running: a process that has exited and been waited for. */
async function deadPid(): Promise<number> {
  const child = spawn('true');
  await once(child, 'exit');
  return child.pid!;
}

describe('tools left running by a previous run of the pod', () => {
  const dir = mkdtempSync(join(tmpdir(), 'swarmtube-children-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a recorded tool whose pod is gone is killed at start; its record goes', async () => {
    const orphan = spawn('sleep', ['301'], { stdio: 'ignore' });
    const exited = once(orphan, 'exit');
    writeFileSync(join(dir, String(orphan.pid)), JSON.stringify({ parent: await deadPid(), cmdline: ['sleep', '301'].join('\0') }));
    assert.deepEqual(reapLeftoverChildren(dir), [orphan.pid]);
    const [, signal] = await exited;
    assert.equal(signal, 'SIGKILL');
    assert.deepEqual(readdirSync(dir), []);
  });

  test('a PID now running something else is left alone (the PID was reused)', async () => {
    const other = spawn('sleep', ['300'], { stdio: 'ignore' });
    try {
      writeFileSync(join(dir, String(other.pid)), JSON.stringify({ parent: await deadPid(), cmdline: ['ffmpeg', '-i', 'file:/x'].join('\0') }));
      assert.deepEqual(reapLeftoverChildren(dir), []);
      assert.equal(commandLineOf(other.pid!), 'sleep\x00300');
      assert.deepEqual(readdirSync(dir), [], 'the stale record is removed');
    } finally {
      other.kill('SIGKILL');
    }
  });

  test('a tool of a live pod (this process) is neither killed nor forgotten', async () => {
    recordChildrenIn(dir);
    const child = spawnTool('sleep', ['300'], { stdio: 'ignore' });
    try {
      assert.deepEqual(readdirSync(dir), [String(child.pid)]);
      assert.deepEqual(reapLeftoverChildren(dir), []);
      assert.equal(child.exitCode, null);
    } finally {
      const closed = once(child, 'close');
      child.kill('SIGKILL');
      await closed;
    }
    assert.deepEqual(readdirSync(dir), [], 'the record goes with the tool');
  });

  test('a tool missing from PATH fails as a missing program (ENOENT), not as a tool that ran and failed', async () => {
    const child = spawnTool('swarmtube-no-such-tool', ['-version'], { stdio: 'ignore' });
    const [error] = (await once(child, 'error')) as [NodeJS.ErrnoException];
    assert.equal(error.code, 'ENOENT');
  });
});
