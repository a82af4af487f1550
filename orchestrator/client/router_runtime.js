// The client entry of React Router's framework mode (ssr: false), as hr-orchestrate serves it.
// Appended to the generated part of /@hr/router.js (router_entry.cc), which imports React, React
// Router and the root route module and defines __hr_route_table: one entry per route with its
// module's URL and export names. What React Router's own HydratedRouter does with the globals its
// Vite plugin writes, done here with the same exported pieces: client routes from a route
// manifest (lazy route modules, HydrateFallback, ErrorBoundary, clientLoader), a browser router,
// and the framework context <Meta/>, <Links/> and <Scripts/> read. Nothing was server-rendered,
// so the root renders into the document rather than hydrating it.
const {
  UNSAFE_FrameworkContext: FrameworkContext,
  UNSAFE_RemixErrorBoundary: RemixErrorBoundary,
  UNSAFE_createBrowserHistory: createBrowserHistory,
  UNSAFE_createClientRoutes: createClientRoutes,
  UNSAFE_createRouter: createRouter,
  UNSAFE_defaultMapRouteProperties: defaultMapRouteProperties,
  UNSAFE_getTurboStreamSingleFetchDataStrategy: singleFetchDataStrategy,
  UNSAFE_hydrationRouteProperties: hydrationRouteProperties,
} = __hr_RR;

function routeManifest(table) {
  const routes = {};
  for (const r of table) {
    const has = (name) => r.exports.includes(name);
    const route = {
      id: r.id,
      parentId: r.parentId,
      path: r.path,
      index: r.index,
      hasAction: false,
      hasLoader: false,
      hasClientAction: has("clientAction"),
      hasClientLoader: has("clientLoader"),
      hasClientMiddleware: has("clientMiddleware"),
      hasDefaultExport: has("default"),
      hasErrorBoundary: has("ErrorBoundary"),
      imports: [],
      css: [],
    };
    // Read when the route is first visited: the newest version the page was told about.
    Object.defineProperty(route, "module", { enumerable: true, get: () => __hr_currentUrl(r.module) });
    routes[r.id] = route;
  }
  return routes;
}

const manifest = {
  entry: { module: import.meta.url, imports: [] },
  url: import.meta.url,
  version: "hr-orchestrate",
  routes: routeManifest(__hr_route_table),
};
const routeModules = { root: __hr_root };
const context = {
  basename: undefined,
  future: {},
  ssr: false,
  isSpaMode: true,
  routeDiscovery: { mode: "initial" },
};
window.__reactRouterContext = context;
window.__reactRouterManifest = manifest;
window.__reactRouterRouteModules = routeModules;

const initialState = { loaderData: {}, actionData: null, errors: null };
const routes = createClientRoutes(manifest.routes, routeModules, initialState, false, true);
let router;
router = createRouter({
  routes,
  history: createBrowserHistory(),
  basename: context.basename,
  mapRouteProperties: defaultMapRouteProperties,
  hydrationRouteProperties,
  dataStrategy: singleFetchDataStrategy(() => router, manifest, routeModules, false),
});
router.initialize();
window.__reactRouterDataRouter = router;

const h = __hr_React.createElement;
function FrameworkRouter() {
  const [location, setLocation] = __hr_React.useState(router.state.location);
  __hr_React.useLayoutEffect(
    () => router.subscribe((state) => state.location !== location && setLocation(state.location)),
    [location],
  );
  const value = {
    manifest,
    routeModules,
    future: context.future,
    criticalCss: undefined,
    ssr: false,
    isSpaMode: true,
    routeDiscovery: context.routeDiscovery,
  };
  return h(
    FrameworkContext.Provider,
    { value },
    h(RemixErrorBoundary, { location }, h(__hr_RouterProvider, { router })),
  );
}

__hr_React.startTransition(() => {
  __hr_createRoot(document).render(h(FrameworkRouter));
});
