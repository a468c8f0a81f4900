// check.mjs drives the real @backstage/catalog-client against a NEXT Portal server that has
// catalog/catalog-info.yaml imported, checks every answer, and exits non-zero with a message
// naming the first mismatch.
//
//   BASE_URL      the server, e.g. http://127.0.0.1:7007 (the catalog is at BASE_URL/api/catalog)
//   EXTRA_TARGET  absolute path of extra/catalog-info.yaml, registered through addLocation
//   OUTSIDE_TARGET optional: a readable file outside the server's location roots (refused)
//   TOKEN         an API token; every call sends it as { token }, the client's own option
import { CatalogClient, CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import assert from 'node:assert/strict';

const baseUrl = process.env.BASE_URL;
const extraTarget = process.env.EXTRA_TARGET;
if (!baseUrl || !extraTarget) {
  console.error('usage: BASE_URL=http://host:port EXTRA_TARGET=/abs/extra/catalog-info.yaml node check.mjs');
  process.exit(2);
}

// auth is the options argument of every call: the client sends Authorization: Bearer.
const auth = { token: process.env.TOKEN };

const client = new CatalogClient({
  discoveryApi: { getBaseUrl: async () => `${baseUrl.replace(/\/$/, '')}/api/catalog` },
  fetchApi: { fetch },
});

// What catalog/ holds (Backstage's example entities).
const components = {
  'artist-lookup': { type: 'service', lifecycle: 'experimental', tags: ['java', 'data'] },
  'playback-sdk': { type: 'library', lifecycle: 'experimental', tags: [] },
  'playback-order': { type: 'service', lifecycle: 'production', tags: ['java', 'playback'] },
  'podcast-api': { type: 'service', lifecycle: 'experimental', tags: ['java'] },
  'queue-proxy': { type: 'website', lifecycle: 'production', tags: ['go', 'website'] },
  searcher: { type: 'service', lifecycle: 'production', tags: ['go'] },
  'shuffle-api': { type: 'service', lifecycle: 'production', tags: ['go'] },
  'www-artist': { type: 'website', lifecycle: 'production', tags: [] },
};
const componentNames = Object.keys(components).sort();
const teamC = ['calum.leavy', 'frank.tiernan', 'peadar.macmahon', 'sarah.gilroy', 'tara.macgovern'];

const names = items => items.map(e => e?.metadata?.name);
const sorted = xs => [...xs].sort();
const counts = values => {
  const m = new Map();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m].map(([value, count]) => ({ value, count })).sort((a, b) => (a.value < b.value ? -1 : 1));
};

// status returns the HTTP status of a rejected client call (a ResponseError), or throws.
async function status(promise) {
  try {
    await promise;
  } catch (e) {
    if (e?.response?.status) return e.response.status;
    throw e;
  }
  throw new Error('call succeeded, want an HTTP error');
}

// pageAll follows pageInfo[direction] from first until it runs out, checking page sizes and
// that totalItems stays the same.
async function pageAll(first, limit, direction = 'nextCursor') {
  const pages = [first];
  let page = first;
  while (page.pageInfo?.[direction]) {
    if (pages.length > 100) throw new Error(`more than 100 pages following ${direction}`);
    page = await client.queryEntities({ cursor: page.pageInfo[direction], limit }, auth);
    assert.ok(page.items.length <= limit, `page of ${page.items.length} items, limit ${limit}`);
    assert.equal(page.totalItems, first.totalItems, 'totalItems changed between pages');
    pages.push(page);
  }
  return pages;
}

const checks = [
  ['getEntities with filter and fields', async () => {
    const { items } = await client.getEntities({
      filter: { kind: 'component', 'spec.type': 'service' },
      fields: ['kind', 'metadata.name', 'spec.owner'],
    }, auth);
    const want = componentNames.filter(n => components[n].type === 'service');
    assert.deepEqual(sorted(names(items)), want, 'service components');
    for (const e of items) {
      assert.deepEqual(Object.keys(e).sort(), ['kind', 'metadata', 'spec'], `fields of ${e.metadata.name}`);
      assert.deepEqual(Object.keys(e.metadata), ['name'], `metadata fields of ${e.metadata.name}`);
      assert.deepEqual(Object.keys(e.spec), ['owner'], `spec fields of ${e.metadata.name}`);
      assert.equal(e.kind, 'Component');
    }
  }],
  ['getEntities with alternative filters', async () => {
    const { items } = await client.getEntities({ filter: [{ kind: 'api' }, { kind: 'resource' }] }, auth);
    assert.deepEqual(sorted(names(items)), ['artists-db', 'hello-world']);
  }],
  ['getEntities with an existence filter', async () => {
    const { items } = await client.getEntities({
      filter: { kind: 'component', 'metadata.tags.java': CATALOG_FILTER_EXISTS },
      fields: ['metadata.name'],
    }, auth);
    assert.deepEqual(sorted(names(items)), componentNames.filter(n => components[n].tags.includes('java')));
  }],
  ['getEntities with a relation filter', async () => {
    const { items } = await client.getEntities({
      filter: { kind: 'user', 'relations.memberOf': 'group:default/team-c' },
      fields: ['metadata.name'],
    }, auth);
    assert.deepEqual(sorted(names(items)), teamC);
  }],
  ['getEntities with order', async () => {
    const { items } = await client.getEntities({
      filter: { kind: 'system' },
      order: { field: 'metadata.name', order: 'desc' },
      fields: ['metadata.name'],
    }, auth);
    assert.deepEqual(names(items), ['podcast', 'audio-playback', 'artist-engagement-portal']);
  }],
  ['getEntityByRef', async () => {
    const e = await client.getEntityByRef('component:default/artist-lookup', auth);
    assert.ok(e, 'component:default/artist-lookup not found');
    assert.equal(e.apiVersion, 'backstage.io/v1alpha1');
    assert.equal(e.kind, 'Component');
    assert.equal(e.metadata.namespace, 'default');
    assert.equal(e.spec.owner, 'team-a');
    assert.match(e.metadata.uid ?? '', /\S/, 'metadata.uid');
    assert.match(e.metadata.etag ?? '', /\S/, 'metadata.etag');
    assert.match(e.metadata.annotations?.['backstage.io/managed-by-location'] ?? '',
      /^file:.*artist-lookup-component\.yaml$/, 'managed-by-location annotation');
    const rels = (e.relations ?? []).map(r => `${r.type} ${r.targetRef}`);
    for (const want of ['ownedBy group:default/team-a', 'partOf system:default/artist-engagement-portal',
      'dependsOn resource:default/artists-db']) {
      assert.ok(rels.includes(want), `relation ${want} missing from ${JSON.stringify(rels)}`);
    }
    const byShortRef = await client.getEntityByRef('component:artist-lookup', auth);
    assert.equal(byShortRef?.metadata.uid, e.metadata.uid, 'short ref component:artist-lookup');
    assert.equal(await client.getEntityByRef('component:default/no-such-thing', auth), undefined, 'missing entity');
  }],
  ['queryEntities paged by cursor to the end and back', async () => {
    const limit = 3;
    const first = await client.queryEntities({
      filter: { kind: 'component' },
      orderFields: { field: 'metadata.name', order: 'asc' },
      fields: ['metadata.name', 'metadata.uid'],
      limit,
    }, auth);
    assert.equal(first.totalItems, componentNames.length, 'totalItems');
    assert.equal(first.pageInfo.prevCursor, undefined, 'prevCursor on the first page');
    const pages = await pageAll(first, limit);
    const got = pages.flatMap(p => names(p.items));
    assert.deepEqual(got, componentNames, 'names over all pages, in order');
    const last = pages[pages.length - 1];
    assert.equal(last.pageInfo.nextCursor, undefined, 'nextCursor on the last page');
    assert.ok(last.pageInfo.prevCursor, 'prevCursor on the last page');
    const back = await pageAll(last, limit, 'prevCursor');
    assert.deepEqual(back.reverse().flatMap(p => names(p.items)), componentNames, 'names paging back');
  }],
  ['queryEntities over everything with the default order', async () => {
    const limit = 7;
    const first = await client.queryEntities({ limit, fields: ['kind', 'metadata.name', 'metadata.uid'] }, auth);
    const pages = await pageAll(first, limit);
    const uids = pages.flatMap(p => p.items.map(e => e.metadata.uid));
    assert.equal(uids.length, first.totalItems, 'entities seen vs totalItems');
    assert.equal(new Set(uids).size, uids.length, 'duplicate entities across pages');
    assert.ok(first.totalItems > componentNames.length, `totalItems ${first.totalItems} too small`);
  }],
  ['queryEntities with a full-text filter', async () => {
    const res = await client.queryEntities({
      filter: { kind: 'component' },
      fullTextFilter: { term: 'artist' },
      fields: ['metadata.name'],
    }, auth);
    assert.deepEqual(sorted(names(res.items)), ['artist-lookup', 'www-artist']);
    assert.equal(res.totalItems, 2);
  }],
  ['getEntitiesByRefs', async () => {
    const refs = ['component:default/searcher', 'component:default/missing', 'api:default/hello-world'];
    const { items } = await client.getEntitiesByRefs({ entityRefs: refs, fields: ['kind', 'metadata.name'] }, auth);
    assert.equal(items.length, 3, 'one item per ref');
    assert.deepEqual(items[0], { kind: 'Component', metadata: { name: 'searcher' } });
    assert.equal(items[1], undefined, 'missing ref');
    assert.deepEqual(items[2], { kind: 'API', metadata: { name: 'hello-world' } });
    const filtered = await client.getEntitiesByRefs({ entityRefs: refs, filter: { kind: 'api' } }, auth);
    assert.deepEqual(names(filtered.items), [undefined, undefined, 'hello-world'], 'refs filtered to kind api');
  }],
  ['getEntityFacets', async () => {
    const { facets } = await client.getEntityFacets({
      facets: ['spec.lifecycle', 'spec.type'],
      filter: { kind: 'component' },
    }, auth);
    const list = Object.values(components);
    assert.deepEqual(sorted(Object.keys(facets)), ['spec.lifecycle', 'spec.type']);
    assert.deepEqual(facets['spec.lifecycle'], counts(list.map(c => c.lifecycle)), 'spec.lifecycle');
    assert.deepEqual(facets['spec.type'], counts(list.map(c => c.type)), 'spec.type');
  }],
  ['addLocation (dry run, then for real), removeEntityByUid', async () => {
    const before = (await client.getEntities({ fields: ['metadata.uid'] }, auth)).items.length;
    const dry = await client.addLocation({ type: 'file', target: extraTarget, dryRun: true }, auth);
    assert.equal(dry.location.type, 'file');
    assert.equal(dry.location.target, extraTarget);
    assert.ok(names(dry.entities).includes('client-check-extra'), `dry run entities: ${names(dry.entities)}`);
    assert.equal(await client.getEntityByRef('component:default/client-check-extra', auth), undefined,
      'a dry run must not register anything');

    const added = await client.addLocation({ type: 'file', target: extraTarget }, auth);
    assert.match(added.location.id ?? '', /\S/, 'location id');
    assert.equal(added.location.type, 'file');
    assert.equal(added.location.target, extraTarget);
    const byId = await client.getLocationById(added.location.id, auth);
    assert.equal(byId?.target, extraTarget, 'getLocationById');
    const e = await client.getEntityByRef('component:default/client-check-extra', auth);
    assert.ok(e, 'entity of the added location not found');
    assert.equal(e.spec.owner, 'group:team-b');
    const loc = await client.getLocationByEntity('component:default/client-check-extra', auth);
    assert.equal(loc?.target, extraTarget, 'getLocationByEntity');

    assert.equal(await status(client.addLocation({ type: 'file', target: extraTarget }, auth)), 409,
      'registering the same location twice');

    await client.removeEntityByUid(e.metadata.uid, auth);
    assert.equal(await client.getEntityByRef('component:default/client-check-extra', auth), undefined,
      'entity still there after removeEntityByUid');
    assert.equal(await status(client.removeEntityByUid(e.metadata.uid, auth)), 404, 'removing it again');
    await client.removeLocationById(added.location.id, auth);
    const after = (await client.getEntities({ fields: ['metadata.uid'] }, auth)).items.length;
    assert.equal(after, before, 'entity count after adding and removing the location');
  }],
  ['addLocation refuses a target outside the roots', async () => {
    const outside = process.env.OUTSIDE_TARGET;
    if (!outside) return;
    const before = (await client.getEntities({ fields: ['metadata.uid'] }, auth)).items.length;
    const code = await status(client.addLocation({ type: 'file', target: outside }, auth));
    assert.ok(code === 400 || code === 403, `status ${code}, want 400 (or 403)`);
    const after = (await client.getEntities({ fields: ['metadata.uid'] }, auth)).items.length;
    assert.equal(after, before, 'entity count after a refused location');
  }],
  ['validateEntity', async () => {
    const entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'valid-one' },
      spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
    };
    const location = 'url:https://example.com/catalog-info.yaml';
    assert.deepEqual(await client.validateEntity(entity, location, auth), { valid: true });

    const noOwner = { ...entity, spec: { type: 'service', lifecycle: 'production' } };
    const res = await client.validateEntity(noOwner, location, auth);
    assert.equal(res.valid, false, 'entity without spec.owner');
    assert.ok(res.errors.length > 0, 'no errors listed for an entity without spec.owner');
    assert.match(JSON.stringify(res.errors), /owner/, 'errors do not name spec.owner');

    const badName = { ...entity, metadata: { name: 'not a valid name!' } };
    assert.equal((await client.validateEntity(badName, location, auth)).valid, false, 'entity with a bad name');
  }],
  ['calls without a token or with a wrong one are refused', async () => {
    assert.equal(await status(client.getEntities({})), 401, 'getEntities without a token');
    assert.equal(await status(client.getEntities({}, { token: 'np_not-a-real-token' })), 401, 'getEntities with a wrong token');
    assert.equal(await status(client.getEntityByRef('component:default/artist-lookup', { token: 'np_x' })), 401,
      'getEntityByRef with a wrong token');
  }],
];

for (const [name, fn] of checks) {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (e) {
    let detail = e?.body ? `${e.message} ${JSON.stringify(e.body)}` : (e?.stack ?? String(e));
    if (e?.cause) detail += `\ncause: ${e.cause?.message ?? e.cause}`;
    console.error(`FAIL ${name}: ${detail}`);
    process.exit(1);
  }
}
console.log(`all ${checks.length} @backstage/catalog-client checks passed`);
