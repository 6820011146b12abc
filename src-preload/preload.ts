// Exposes exactly the contract to the renderer, nothing raw (DESIGN.md §7). The desktop issue
// adds one function per contract method; for now the page learns only which shell it runs in.
import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('steadfast', { shell: 'desktop' as const });
