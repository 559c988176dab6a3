// Lints the Dockerfile without an engine: 3 stages, non-root, exec-form CMD, HEALTHCHECK on
// /healthz, WORKERS documented, and every COPY source exists in the build context.
import t from 'tap';
import { readFileSync, existsSync } from 'node:fs';
import { DockerfileParser } from 'dockerfile-ast';

const text = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8');
const df = DockerfileParser.parse(text);
const ins = df.getInstructions();
const kw = (k: string) => ins.filter((i) => i.getKeyword() === k);

t.test('three named stages on Node 20', async (t) => {
  const froms = df.getFROMs();
  t.equal(froms.length, 3);
  for (const f of froms) t.match(f.getImageName() ?? '', /^node$/);
  for (const f of froms) t.match(f.getImageTag() ?? '', /^20/);
  t.same(froms.map((f) => f.getBuildStage()), ['build', 'prod-deps', 'runtime']);
});

t.test('runtime runs as a non-root user with an exec-form CMD and a HEALTHCHECK', async (t) => {
  const users = kw('USER');
  t.ok(users.length >= 1);
  t.not(users[users.length - 1].getArgumentsContent(), 'root');
  const cmd = kw('CMD');
  t.equal(cmd.length, 1);
  t.match(cmd[0].getArgumentsContent() ?? '', /^\[.*\]$/, 'exec form');
  const hc = kw('HEALTHCHECK');
  t.equal(hc.length, 1);
  t.match(hc[0].getArgumentsContent() ?? '', /\/healthz/);
  t.match(hc[0].getArgumentsContent() ?? '', /CMD \[/, 'exec form healthcheck');
  t.match(text, /WORKERS/, 'WORKERS is documented for containers');
  const lastUser = text.lastIndexOf('USER ');
  t.ok(lastUser > text.lastIndexOf('FROM '), 'USER is set in the runtime stage');
});

t.test('every COPY source from the context exists and is not dockerignored', async (t) => {
  const ignore = readFileSync(new URL('../.dockerignore', import.meta.url), 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
  for (const c of kw('COPY')) {
    const all = c.getArguments().map((a) => a.getValue());
    if (all.some((a) => a.startsWith('--from=')) || /--from=/.test(c.getTextContent())) continue; // from a build stage
    const args = all.filter((a) => !a.startsWith('--'));
    for (const src of args.slice(0, -1)) {
      t.ok(existsSync(new URL(`../${src}`, import.meta.url)), `${src} exists`);
      t.notOk(ignore.includes(src), `${src} is not in .dockerignore`);
    }
  }
});

t.test('no instruction the parser flags', async (t) => {
  t.equal(ins.filter((i) => !i.getKeyword()).length, 0);
  t.ok(kw('EXPOSE').length === 1);
});
