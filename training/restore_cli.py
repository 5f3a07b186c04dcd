"""The app's own CLI (`bin/heirloom.mjs restore`), driven from Python: the evaluations score the ONNX stages,
tiling and masks exactly as users get them."""
import json
import os
import shutil
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))


def run_cli(models, in_dir, out_dir, threads, ep):
    node = shutil.which('node')
    if not node:
        raise SystemExit('node is not on PATH: the evaluation drives the app\'s CLI (bin/heirloom.mjs)')
    cmd = [node, os.path.join(ROOT, 'bin', 'heirloom.mjs'), 'restore', in_dir, '--out', out_dir, '--models', models,
           '--scratches', 'auto', '--save-mask', '--json', '--ep', ep, '--threads', str(threads)]
    print('running', ' '.join(cmd[1:]), flush=True)
    proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = [l for l in proc.stdout.splitlines() if l.startswith('{')]
    if not lines:
        raise SystemExit(f'heirloom restore gave no JSON (exit {proc.returncode}):\n{proc.stderr[-4000:]}')
    result = json.loads(lines[-1])
    for o in result['outcomes']:
        if o['status'] != 'restored':
            print(f'warning: {o["input"]}: {o["message"]}', file=sys.stderr)
    return result
