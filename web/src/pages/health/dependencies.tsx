/**
 * Dependencies: the service DAG as SVG, left to right from dependents to their dependencies,
 * nodes coloured (and labelled) by status, root causes outlined and labelled "root cause".
 * A node is a link to its service. The list below says the same for screen readers and phones.
 */
import { useMemo } from 'preact/hooks';
import { Link, useLocation } from 'wouter-preact';
import { overallHealth } from '../../api/health.js';
import { layoutGraph, NODE_H, NODE_W } from '../../lib/health/graph.js';
import { statusClass, statusIcon } from '../../lib/health/status.js';
import { useRefresh } from '../overview/use-refresh.js';
import { ServiceLink, StatusBadge } from './parts.js';

export function DependenciesSection() {
  const [, navigate] = useLocation();
  const { data, error } = useRefresh((sig) => overallHealth(sig), [], {
    interval: 10_000,
    minGapMs: 5000,
  });
  const layout = useMemo(() => (data ? layoutGraph(data.services) : undefined), [data]);
  const roots = new Set(data?.root_causes ?? []);
  const byName = new Map((data?.services ?? []).map((s) => [s.name, s]));
  if (error !== undefined)
    return (
      <p class="error" role="alert">
        Cannot load the services: {error}
      </p>
    );
  if (!data || !layout) return <p class="muted">Loading…</p>;
  if (data.services.length === 0) return <p class="muted">No services yet.</p>;
  const href = (n: string) => `/health/services/${encodeURIComponent(n)}`;
  return (
    <>
      <section class="card hs-graph-card" aria-label="Dependency graph">
        <p class="muted small">
          Arrows point from a service to what it depends on. Root causes are outlined.
        </p>
        <div class="hs-graph-scroll">
          <svg
            class="hs-graph"
            width={layout.width}
            height={layout.height}
            viewBox={`0 0 ${layout.width} ${layout.height}`}
            role="group"
            aria-label="Services and their dependencies"
          >
            <defs>
              <marker
                id="hs-arrow"
                viewBox="0 0 10 10"
                refX="10"
                refY="5"
                markerWidth="8"
                markerHeight="8"
                orient="auto-start-reverse"
              >
                <path d="M 0 0 L 10 5 L 0 10 z" class="hs-arrow" />
              </marker>
            </defs>
            {layout.edges.map((e) => (
              <path
                key={`${e.from}>${e.to}`}
                class={`hs-edge${roots.has(e.to) ? ' hs-edge-root' : ''}`}
                d={`M ${e.x1} ${e.y1} C ${(e.x1 + e.x2) / 2} ${e.y1}, ${(e.x1 + e.x2) / 2} ${e.y2}, ${e.x2} ${e.y2}`}
                marker-end="url(#hs-arrow)"
              />
            ))}
            {layout.nodes.map((n) => {
              const s = byName.get(n.name)!;
              const root = roots.has(n.name);
              const label = `${n.name}: ${s.status}${root ? ', root cause' : ''}`;
              return (
                <a
                  key={n.name}
                  href={href(n.name)}
                  class={`hs-node ${statusClass(s.status)}${root ? ' hs-root' : ''}`}
                  data-service={n.name}
                  aria-label={label}
                  onClick={(e) => {
                    e.preventDefault();
                    navigate(href(n.name));
                  }}
                >
                  <title>{label}</title>
                  <rect x={n.x} y={n.y} width={NODE_W} height={NODE_H} rx="6" />
                  <text x={n.x + 10} y={n.y + 18} class="hs-node-name">
                    {n.name.length > 18 ? `${n.name.slice(0, 17)}…` : n.name}
                  </text>
                  <text x={n.x + 10} y={n.y + 35} class="hs-node-status">
                    {statusIcon(s.status)} {s.status}
                    {root ? ' · root cause' : ''}
                  </text>
                </a>
              );
            })}
          </svg>
        </div>
      </section>
      <section class="card" aria-label="Dependency list">
        <h2>Services and their dependencies</h2>
        <ul class="hs-dep-list">
          {data.services.map((s) => (
            <li key={s.name}>
              <ServiceLink name={s.name} /> <StatusBadge status={s.status} />
              {roots.has(s.name) && <span class="badge hs-root-badge">root cause</span>}
              <span class="muted small">
                {' '}
                {s.depends_on.length === 0 ? '— no dependencies' : '→ depends on '}
              </span>
              {s.depends_on.map((d, i) => (
                <span key={d}>
                  {i > 0 && ', '}
                  <Link href={href(d)}>{d}</Link>
                </span>
              ))}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
