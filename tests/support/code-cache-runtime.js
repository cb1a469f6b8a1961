// Jest's module runtime with V8's code cache (jest.config.js `runtime`). Why: Jest runs every test
// file in a fresh sandbox and compiles every module it loads there again (~1,200 for a file that
// starts the app). V8 skips most of that when handed the code cache of an earlier compile of the same
// source; this keeps one per module and worker process, taken after a file has run so that it holds
// the functions the run compiled, not only the top level. Entries are keyed by the source's hash, and
// V8 rejects a cache made under other flags: a stale entry costs a compile, never a wrong module.
const { createHash } = require('node:crypto');
const { Script } = require('node:vm');
const Runtime = require('jest-runtime').default;

/** Source key → code cache, and the scripts of the last file whose cache is still to be taken. */
const cachedCode = new Map();
const uncached = new Map();
// A function compiled from a code cache loses its dynamic-import callback (Node 20 keeps it with the
// compile, not in the cache): modules that import() compile as Jest does.
const DYNAMIC_IMPORT = /\bimport\s*\(/;

class CodeCacheRuntime extends Runtime {
  constructor(...args) {
    super(...args);
    for (const [key, script] of uncached) cachedCode.set(key, script.createCachedData());
    uncached.clear();
    // Coverage runs count with V8's own instrumentation; they compile as Jest does.
    if (this._coverageOptions?.collectCoverage !== false) return;
    // Jest 30.5's internals (pinned): another version without them runs as Jest does.
    const executor = this.executor;
    if (typeof executor?.compile !== 'function' || !executor.environment || !executor.resolution) return;
    const jestCompile = executor.compile.bind(executor);
    executor.compile = (scriptSource, filename) => {
      const vmContext = executor.environment.getVmContext();
      if (vmContext === null || vmContext === undefined || executor.resolution.isCoreModule(filename) || DYNAMIC_IMPORT.test(scriptSource))
        return jestCompile(scriptSource, filename);
      // V8's own check compares the source's length, not its text: the key is the text's hash.
      const key = createHash('sha1').update(scriptSource).digest('base64');
      const cachedData = cachedCode.get(key);
      // The module's code starts on the wrapper's line, so its lines keep their numbers.
      const wrapped = `(function (${executor.injectedModuleParameters.join(', ')}) {${scriptSource}\n})`;
      let script;
      try {
        script = new Script(wrapped, { filename, ...(cachedData ? { cachedData } : {}) });
      } catch {
        // Jest's own compile reports it (a syntax error's frame, an ES module loaded as CommonJS).
        return jestCompile(scriptSource, filename);
      }
      if (script.cachedDataRejected) cachedCode.delete(key);
      if (!cachedCode.has(key)) uncached.set(key, script);
      return script.runInContext(vmContext);
    };
  }
}

module.exports = CodeCacheRuntime;
