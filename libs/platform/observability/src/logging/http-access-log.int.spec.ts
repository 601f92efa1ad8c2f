import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { createHttpAccessLogger } from './http-access-log';
import { captureLogLines } from './log-capture.testing';

/** Real HTTP through express with the access logger; the captured lines must hold route templates only. */
describe('http access log', () => {
  const logs = captureLogLines();
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const app = express();
    app.use(createHttpAccessLogger(pino({ level: 'info' }, logs.stream)));
    const fhir = express.Router();
    fhir.get('/:type/:id', (_req, res) => void res.json({}));
    app.use('/fhir/R4', fhir);
    app.get('/api/members/:id/timeline', (_req, res) => void res.json({}));
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const accessLines = () =>
    logs.lines.filter((line) => line['msg'] === 'request completed' || line['msg'] === 'request failed');

  it('logs over real HTTP the route template, never the EHR id, member id or search parameters in the path', async () => {
    await fetch(`${base}/fhir/R4/Patient/ehr-pat-4711?identifier=MRN-4711`);
    await fetch(`${base}/fhir/R4/Flag/flag-0815`);
    await fetch(`${base}/api/members/mbr_synthetic_0001/timeline`);
    await fetch(`${base}/nowhere/ehr-pat-4711/more`);
    const lines = accessLines();
    expect(lines.map((line) => [line['path'], line['statusCode']])).toEqual([
      ['/fhir/R4/:type/:id', 200],
      ['/fhir/R4/:type/:id', 200],
      ['/api/members/:id/timeline', 200],
      ['/nowhere/…', 404],
    ]);
    expect(JSON.stringify(logs.lines)).not.toMatch(/ehr-pat-4711|flag-0815|mbr_synthetic_0001|MRN-4711/);
  });
});
