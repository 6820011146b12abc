// The sandboxed preload: exposes exactly the contract to the page (docs/ARCHITECTURE.md §7).
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge.js';

contextBridge.exposeInMainWorld('steadfast', createBridge(ipcRenderer));
