/**
 * The part of the WebAssembly JavaScript API the project uses (src/portfolio/ledger-metrics.ts).
 * TypeScript declares it in lib.dom, which a Node project does not load; Node 20 has it all.
 */
export {};

declare global {
  namespace WebAssembly {
    interface Module {}
    interface MemoryDescriptor {
      initial: number;
      maximum?: number;
    }
    interface Memory {
      readonly buffer: ArrayBuffer;
      grow(delta: number): number;
    }
    interface Instance {
      readonly exports: Record<string, unknown>;
    }
    const Memory: { new (descriptor: MemoryDescriptor): Memory };
    const Module: { new (bytes: Uint8Array): Module };
    const Instance: { new (module: Module, imports?: Record<string, Record<string, unknown>>): Instance };
  }
}
