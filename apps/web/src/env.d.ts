/// <reference types="vite/client" />

// Lets plain tsc type-check the .ts files that import .vue files. vue-tsc, when installed,
// checks the .vue files themselves and does not need this.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
