/// <reference types="vite/client" />
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

/** package.json's version, set by the build (vite.config.ts); absent in unit tests. */
declare const __APP_VERSION__: string | undefined;
