import { PgliteDatabase } from '../src/infra/db/pglite';
import { PostgresDatabase } from '../src/infra/db/postgres';
import { migrate } from '../src/infra/db/migrate';
import { inTenant, inSystemScope } from '../src/infra/tenant-scope';
import { Client } from 'pg';
(async () => {
  for (const engine of ['pglite', 'pg']) {
    let db: any; let schema = 't_mt' + Date.now();
    if (engine === 'pglite') db = await PgliteDatabase.open();
    else { const c = new Client({connectionString: 'postgres://postgres@127.0.0.1:5432/test'}); await c.connect(); await c.query(`CREATE SCHEMA ${schema}`); await c.end(); db = new PostgresDatabase({ connectionString: 'postgres://postgres@127.0.0.1:5432/test', poolMax: 4, schema }); }
    const t0 = Date.now(); await migrate(db); console.log(engine, 'migrated in', Date.now()-t0);
    await db.query(`INSERT INTO tenants (id, name) VALUES ('ten_b','B')`);
    await inTenant('ten_default', () => db.query(`INSERT INTO users (id, email, password_hash, role) VALUES ('usr_a','a@x.io','h','user')`));
    await inTenant('ten_b', () => db.query(`INSERT INTO users (id, email, password_hash, role) VALUES ('usr_b','a@x.io','h','user')`));
    console.log('default sees', (await inTenant('ten_default', () => db.query('SELECT id, tenant_id FROM users'))).rows);
    console.log('b sees', (await inTenant('ten_b', () => db.transaction((tx: any) => tx.query('SELECT id, tenant_id FROM users')))).rows);
    console.log('none sees', (await inTenant('', () => db.query('SELECT id FROM users'))).rows);
    console.log('system sees', (await db.query('SELECT id, tenant_id FROM users')).rows);
    try { await inTenant('ten_b', () => db.query(`INSERT INTO users (id, email, password_hash, role, tenant_id) VALUES ('usr_c','c@x.io','h','user','ten_default')`)); console.log('BAD: cross insert'); } catch (e: any) { console.log('cross insert refused', e.message); }
    try { await db.query(`INSERT INTO users (id, email, password_hash, role) VALUES ('usr_d','d@x.io','h','user')`); console.log('BAD'); } catch (e: any) { console.log('system insert w/o tenant refused', e.message); }
    console.log('tenants seen by b', (await inTenant('ten_b', () => db.query('SELECT id FROM tenants'))).rows);
    await db.close();
  }
})().catch(e => { console.error(e); process.exit(1); });
