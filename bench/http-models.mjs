/**
 * Whole-model bench (issue 5): resnet50 preset, cold (a new seed each time, so nothing is
 * cached), safetensors, over HTTP from the built server — next to real torch constructing
 * `torchvision.models.resnet50()` with 1 thread (+ state_dict()) in the same run when
 * /usr/bin/python3 has torch. Goal: ours ≤ 0.5× torch's time.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, drain, waitReady } from './lib.mjs';
import { generationSeconds } from './models-core.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SERVER = path.join(HERE, '..', 'dist', 'src', 'server.js');
const RUNS = 9;
const HAVE_CURL = spawnSync('curl', ['--version']).error === undefined;

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };

function torchTimes() {
  const py = `
import json, time, statistics, warnings
warnings.filterwarnings("ignore")
try:
    import torch, torchvision
except ImportError:
    print(json.dumps({"error": "torch not installed"})); raise SystemExit(0)
torch.set_num_threads(1)
ts = []
for i in range(${RUNS + 1}):
    torch.manual_seed(i)
    t = time.perf_counter(); sd = torchvision.models.resnet50().state_dict(); ts.append(time.perf_counter() - t)
print(json.dumps({"seconds": statistics.median(ts[1:])}))
`;
  const r = spawnSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return { error: 'torch not available' };
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

export async function run({ log = console.log } = {}) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [SERVER], { env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    await waitReady(url);
    // the time a client sees: curl where installed (node's own http client costs ~30 ms more CPU
    // reading 102 MB, on the same two cores as the server), else a lean node reader
    const times = [];
    let bytes = 0;
    for (let i = 0; i <= RUNS; i++) {
      const u = `${url}/v1/models/resnet50?seed=${900000 + i}`;
      let seconds;
      if (HAVE_CURL) {
        const [total, size] = execFileSync('curl', ['-s', '-o', '/dev/null', '-w', '%{time_total} %{size_download}', u], { encoding: 'utf8' }).split(' ');
        seconds = Number(total);
        bytes = Number(size);
      } else {
        const t0 = performance.now();
        bytes = await drain(u); // undici's arrayBuffer() adds ~0.4 s on 100 MB
        seconds = (performance.now() - t0) / 1000;
      }
      if (i > 0) times.push(seconds); // the first warms the JIT
    }
    const ours = median(times);
    const gen = await generationSeconds('resnet50');
    const torch = torchTimes();
    log(`  resnet50 cold safetensors: ${(ours * 1000).toFixed(0)} ms (generation alone ${(gen * 1000).toFixed(0)} ms); torch: ${torch.seconds ? (torch.seconds * 1000).toFixed(0) + ' ms' : torch.error}`);
    const ratio = torch.seconds ? ours / torch.seconds : undefined;
    return [{
      section: 'Whole models (issue 5)',
      name: `resnet50 preset, cold, safetensors over HTTP (${(bytes / 1e6).toFixed(0)} MB, ${HAVE_CURL ? 'curl' : 'node http'}, median of ${RUNS}) vs torchvision.models.resnet50().state_dict(), 1 thread`,
      value: +(ours * 1000).toFixed(1), unit: 'ms', torch: torch.seconds ? +(torch.seconds * 1000).toFixed(1) : undefined,
      ratio: ratio === undefined ? undefined : 1 / ratio,
      note: ratio === undefined ? 'torch not installed' : `ours = ${ratio.toFixed(2)}× torch's time (goal ≤ 0.5×)`,
      floor: ratio === undefined ? undefined : { text: 'resnet50 preset (cold, safetensors) ≤ 0.5× torch construction time', got: `${ratio.toFixed(2)}×`, pass: ratio <= 0.5 },
    }, {
      section: 'Whole models (issue 5)',
      name: 'resnet50 preset, generation alone (the service\'s drawer + transformer threads, no HTTP; bench/models-core.mjs)',
      value: +(gen * 1000).toFixed(1), unit: 'ms', torch: torch.seconds ? +(torch.seconds * 1000).toFixed(1) : undefined,
      ratio: torch.seconds ? torch.seconds / gen : undefined,
      note: torch.seconds ? `${(gen / torch.seconds).toFixed(2)}× torch's time; the rest of the HTTP figure is moving 102 MB over loopback` : 'torch not installed',
    }];
  } finally {
    child.kill('SIGTERM');
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const r of await run()) console.log(r.name, r.value, r.unit, r.note);
}
