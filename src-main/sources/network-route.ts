import type { Agent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { isIP, type LookupFunction, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { checkServerIdentity } from 'node:tls';
import type { AgentConnectOpts } from 'agent-base';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { getProxyForUrl } from 'proxy-from-env';
import { SocksProxyAgent } from 'socks-proxy-agent';
import { PROXY_PROTOCOLS, type Settings } from '../contract/settings.js';
import type { ProxyInUse } from '../engine/classify-proxy-error.js';
import { permanentError, transientError } from '../engine/download-error.js';
import type { SecretStore } from '../engine/secret-store.js';
import { pickPacRoute, type ProxyRoute } from './pac-result.js';
import { defaultAuthorities } from './default-authorities.js';

/**
 * The system's proxy for a URL in Chromium's PAC result form ("DIRECT", "PROXY host:port; …"):
 * the desktop app passes Electron's `session.resolveProxy`. Absent, "system" means the
 * environment (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY, upper or lower case).
 */
export type SystemProxyLookup = (url: string) => Promise<string>;

/** How one request reaches its server: through which agents, trusting which certificates. */
export interface NetworkRoute {
  /** Agents for http: and https: targets; absent: Node's own (direct). */
  agents?: ProxyAgents;
  /** The certificates TLS trusts, when not Node's roots alone. */
  certificateAuthority?: string[];
  /** The proxy in the way, for messages; null when direct. */
  proxy: ProxyInUse | null;
  /**
   * The system's answer lists another way to go should this proxy be unreachable: report it
   * (`NetworkRoutes.unreachable`) and ask again.
   */
  fallback: boolean;
}

/**
 * The proxy agents are http.Agents that open TLS themselves when the target is https:, which is
 * all https.request needs; the https.Agent type only adds its options' fields.
 */
export interface ProxyAgents {
  http: Agent;
  https: HttpsAgent;
}

export interface NetworkRoutesOptions {
  secrets: SecretStore;
  systemProxy?: SystemProxyLookup;
  /** PEM certificates trusted besides Node's roots, for every request (tests, a composition root). */
  extraCaCertificates?: readonly string[];
  lookup?: LookupFunction;
  now?: () => number;
}

/** How long a proxy that could not be reached is passed over when the system lists another (Chromium's own delay). */
export const UNREACHABLE_PROXY_MS = 5 * 60_000;

/**
 * The tunnel's TLS checks the certificate against the target's name; for an IP address target
 * the agents leave Node to check it against "localhost" (SNI cannot carry an IP), so the check
 * (the caller's own, or Node's) is pointed at the address itself.
 */
function withIpIdentity(options: AgentConnectOpts): AgentConnectOpts {
  const { host } = options;
  if (!options.secureEndpoint || host === undefined || isIP(host) === 0) return options;
  const check = options.checkServerIdentity ?? checkServerIdentity;
  return { ...options, checkServerIdentity: (_name, certificate) => check(host, certificate) };
}

type ConnectRequest = Parameters<HttpsProxyAgent<string>['connect']>[0];

class TunnelAgent extends HttpsProxyAgent<string> {
  override connect(request: ConnectRequest, options: AgentConnectOpts): Promise<Socket> {
    return super.connect(request, withIpIdentity(options));
  }
}

class SocksAgent extends SocksProxyAgent {
  override connect(request: ConnectRequest, options: AgentConnectOpts): Promise<Socket> {
    return super.connect(request, withIpIdentity(options));
  }
}

/** Proxies met at once are few; past this many, agents (and their idle sockets) are dropped. */
const MAX_AGENT_SETS = 8;

/**
 * Picks the route of each request from the settings of the moment (`proxy`, the proxy password,
 * `ca_file`) and keeps one pair of keep-alive agents per proxy, so a segmented download reuses
 * its tunnels. The CA file is read when a route is asked for, so a fixed file needs no restart.
 */
export class NetworkRoutes {
  private readonly agentSets = new Map<string, ProxyAgents>();
  /** The last CA list built, by the text it was built from: TLS contexts are keyed by it. */
  private caCache: { key: string; list: string[] } | null = null;
  /** Proxies of the system's answers that could not be reached, until when they are passed over. */
  private readonly down = new Map<string, number>();

  constructor(private readonly options: NetworkRoutesOptions) {}

  async routeFor(target: string, settings: Settings): Promise<NetworkRoute> {
    const certificateAuthority = this.certificates(settings.ca_file);
    const { route, fallback } = await this.proxyFor(target, settings);
    if (route.kind === 'direct') return { ...(certificateAuthority ? { certificateAuthority } : {}), proxy: null, fallback };
    return {
      agents: this.agentsFor(route.url, certificateAuthority),
      ...(certificateAuthority ? { certificateAuthority } : {}),
      proxy: { host: route.url.host, withCredentials: route.url.username !== '' || route.url.password !== '' },
      fallback,
    };
  }

  /** The route's proxy could not be reached: the system's next entry is taken for a while. */
  unreachable(route: NetworkRoute): void {
    if (route.proxy !== null) this.down.set(route.proxy.host, this.now() + UNREACHABLE_PROXY_MS);
  }

  private async proxyFor(target: string, settings: Settings): Promise<{ route: ProxyRoute; fallback: boolean }> {
    if (settings.proxy === 'none') return { route: { kind: 'direct' }, fallback: false };
    if (settings.proxy === 'system') {
      if (this.options.systemProxy !== undefined) return pickPacRoute(await this.askSystem(target), (proxy) => this.isDown(proxy.host));
      const fromEnvironment = getProxyForUrl(target);
      return { route: fromEnvironment === '' ? { kind: 'direct' } : { kind: 'proxy', url: environmentProxy(fromEnvironment) }, fallback: false };
    }
    const url = new URL(settings.proxy);
    const password = this.options.secrets.get('proxy_password');
    if (password !== null) url.password = password;
    return { route: { kind: 'proxy', url }, fallback: false };
  }

  private isDown(host: string): boolean {
    const until = this.down.get(host);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.down.delete(host);
    return false;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private async askSystem(target: string): Promise<string> {
    try {
      return await this.options.systemProxy!(target);
    } catch (error) {
      throw transientError('PROXY_ERROR', 'Could not find out from the system which proxy to use', error);
    }
  }

  private agentsFor(proxy: URL, certificateAuthority: string[] | undefined): ProxyAgents {
    // The key holds the password only inside this process's memory; it is never shown.
    const key = JSON.stringify([proxy.href, this.caCache?.key ?? null, certificateAuthority !== undefined]);
    const known = this.agentSets.get(key);
    if (known !== undefined) return known;
    if (this.agentSets.size >= MAX_AGENT_SETS) this.dropAgents();
    const common = {
      keepAlive: true,
      ...(this.options.lookup ? { lookup: this.options.lookup } : {}),
      ...(certificateAuthority ? { ca: certificateAuthority } : {}),
    };
    const made: ProxyAgents = proxy.protocol.startsWith('socks')
      ? { http: new SocksAgent(proxy, common), https: new SocksAgent(proxy, common) as Agent as HttpsAgent }
      : { http: new HttpProxyAgent(proxy, common), https: new TunnelAgent(proxy, common) as Agent as HttpsAgent };
    this.agentSets.set(key, made);
    return made;
  }

  private dropAgents(): void {
    for (const { http, https } of this.agentSets.values()) {
      http.destroy();
      https.destroy();
    }
    this.agentSets.clear();
  }

  /**
   * Node's default authorities (its roots and NODE_EXTRA_CA_CERTS) plus the extra certificates and
   * the `ca_file`'s (Node's `ca` replaces the defaults rather than adding to them), or undefined
   * when there is nothing extra.
   */
  private certificates(caFile: string | null): string[] | undefined {
    const extra = [...(this.options.extraCaCertificates ?? [])];
    if (caFile !== null) extra.push(readCaFile(caFile));
    if (extra.length === 0) return undefined;
    const key = extra.join('\n');
    if (this.caCache?.key !== key) this.caCache = { key, list: [...defaultAuthorities(), ...extra] };
    return this.caCache.list;
  }
}

/** HTTP_PROXY and friends as a URL; the message never quotes the value, which may hold a password. */
function environmentProxy(value: string): URL {
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    // Reported below, like an unsupported scheme.
  }
  if (url === null || !PROXY_PROTOCOLS.has(url.protocol) || url.hostname === '') {
    throw permanentError('PROXY_ERROR', 'The proxy named by HTTP_PROXY, HTTPS_PROXY or ALL_PROXY is not a usable http://, https:// or socks5:// URL');
  }
  return url;
}

/** The `ca_file` setting's certificates; a file that cannot be used fails the download at once, saying why. */
function readCaFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw permanentError('CA_FILE_ERROR', `Cannot read the CA file ${path} (${typeof code === 'string' ? code : 'unreadable'})`, error);
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw permanentError('CA_FILE_ERROR', `The CA file ${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  }
  return text;
}
