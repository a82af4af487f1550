// The files of a Reflex-shaped `.web/` (see README.md for how each maps to what Reflex 0.9 writes).
// Written by this project from the shapes of Reflex's output, not copied from it: explicit jsx()
// calls from @emotion/react with `css` props, Radix Themes components, lucide icons by deep .mjs
// import, one memo module per "Python module" under app_components/, state in utils/context.js
// and the event loop over socket.io in utils/state.js, React Router framework mode (ssr: false).

export const STATE = "reflex___state____state.app___state____app_state";
// The state's context key in utils/context.js, its dots written as "__".
const STATE_KEY = STATE.replaceAll(".", "__");

// The counter's backend state var and the event that increments it (backend.py).
export const COUNT_VAR = "count_rx_state_";
export const INCREMENT_EVENT = `${STATE}.increment`;

export function documentJs() {
  return `import { Links, Meta, Scripts, ScrollRestoration } from "react-router";
import { jsx } from "@emotion/react";
import reflexGlobalStyles from "$/styles/__reflex_global_styles.css?url";

export function Layout({children}) {
  return (
    jsx("html",{lang:"en"},jsx("head",{},jsx("script",{dangerouslySetInnerHTML:({ ["__html"] : "(function(){try{var t=localStorage.getItem('theme')||'system';document.documentElement.classList.add(t==='dark'?'dark':'light')}catch(e){}})()" })},),jsx("meta",{charSet:"utf-8"},),jsx("meta",{content:"width=device-width, initial-scale=1",name:"viewport"},),jsx(Meta,{},),jsx("link",{href:reflexGlobalStyles,rel:"stylesheet",type:"text/css"},),jsx(Links,{},)),jsx("body",{},children,jsx(ScrollRestoration,{},),jsx(Scripts,{},)))
  )
}`;
}

export function rootJsx() {
  return `import { Fragment, useEffect } from "react";
import { jsx } from "@emotion/react";
import { Toaster } from "sonner";
import { Theme as RadixThemesTheme } from "@radix-ui/themes";
import { StateProvider, EventLoopProvider } from "$/utils/context";
import { defaultColorMode } from "$/utils/context";
import { ThemeProvider } from '$/utils/react-theme';
import { Layout as AppLayout } from './_document';
import { Outlet } from 'react-router';
import * as utils_state from "$/utils/state";

function ReflexProviders({children}) {
  useEffect(() => {
    window["__reflex"] = { "$/utils/state": utils_state };
  }, []);

  return jsx(ThemeProvider, {defaultTheme: defaultColorMode, attribute: "class"},
    jsx(AppWrap, {}, children)
  );
}

function AppWrap({children}) {
return (jsx(RadixThemesTheme,{accentColor:"indigo",css:{...{ ["fontFamily"] : "system-ui" }}},jsx(StateProvider,{},jsx(EventLoopProvider,{},jsx(Fragment,{},jsx(Toaster,{closeButton:false,expand:true,position:"bottom-right",richColors:true},),children)))))
}

export function Layout({children}) {
  return jsx(AppLayout, {}, jsx(ReflexProviders, {}, children));
}

export default function App() {
  return jsx(Outlet, {});
}

export function ErrorBoundary() {
  return jsx("div", {"data-testid": "root-error"}, "Something went wrong");
}
`;
}

export function reactThemeJs() {
  return `import { createContext, useContext, useEffect, useState } from "react";
import { jsx } from "@emotion/react";

const ThemeContext = createContext({ theme: "light", setTheme: () => {} });

export function ThemeProvider({ children, defaultTheme = "system" }) {
  const [theme, setTheme] = useState(defaultTheme);
  useEffect(() => {
    const resolved = theme === "system" ? "light" : theme;
    document.documentElement.classList.toggle("dark", resolved === "dark");
  }, [theme]);
  return jsx(ThemeContext.Provider, { value: { theme, setTheme } }, children);
}

export const useTheme = () => useContext(ThemeContext);
`;
}

// utils/context.js: rewritten by Reflex whenever the state's schema changes; everything imports it.
export function contextJs() {
  return `import { createContext, useContext, useMemo, useReducer, useState } from "react";
import { jsx } from "@emotion/react";
import { useEventLoop, applyDelta } from "$/utils/state";

export const initialState = {"${STATE}": {"${COUNT_VAR}": 0, "is_hydrated_rx_state_": false}};
export const defaultColorMode = "system";
export const ColorModeContext = createContext(null);
export const UploadFilesContext = createContext(null);
export const DispatchContext = createContext(null);
export const StateContexts = { ${STATE_KEY}: createContext(null) };
export const EventLoopContext = createContext(null);
export const clientStorage = {"cookies": {}, "local_storage": {}, "session_storage": {}};
export const state_name = "${STATE}";
export const exception_state_name = "reflex___state____state.reflex___state____frontend_event_exception_state";
export const onLoadInternalEvent = () => [];
export const initialEvents = () => [];
export const isDevMode = true;

export function EventLoopProvider({ children }) {
  const dispatch = useContext(DispatchContext);
  const [addEvents, connectErrors] = useEventLoop(dispatch, initialEvents, clientStorage);
  return jsx(EventLoopContext.Provider, { value: [addEvents, connectErrors] }, children);
}

export function StateProvider({ children }) {
  const [app_state, dispatch_app_state] = useReducer(applyDelta, initialState["${STATE}"]);
  const dispatchers = useMemo(() => ({ "${STATE}": dispatch_app_state }), []);
  return jsx(StateContexts.${STATE_KEY}.Provider, { value: app_state },
    jsx(DispatchContext.Provider, { value: dispatchers }, children));
}
`;
}

// utils/state.js: the event queue; one socket.io connection to /_event (WebSocket, a token query).
export function stateJs() {
  return `import { useEffect, useRef, useState } from "react";
import io from "socket.io-client";
import JSON5 from "json5";
import Cookies from "universal-cookie";
import env from "$/env.json";
import reflexEnvironment from "$/reflex.json";

const TOKEN_KEY = "token";
const cookies = new Cookies();
let token;

export const getToken = () => {
  if (token) return token;
  if (typeof window !== "undefined") {
    if (!window.sessionStorage.getItem(TOKEN_KEY)) window.sessionStorage.setItem(TOKEN_KEY, crypto.randomUUID());
    token = window.sessionStorage.getItem(TOKEN_KEY);
  }
  return token;
};

export const getBackendURL = (url) => new URL(url, window.location.href);

export const Event = (name, payload = {}) => ({ name, payload });

export function applyDelta(state, delta) {
  return { ...state, ...delta };
}

export const isTrue = (value) => Array.isArray(value) ? value.length > 0 : !!value;

export const connect = (socket, dispatch, setConnectErrors) => {
  const endpoint = getBackendURL(env.EVENT);
  socket.current = io(endpoint.origin, {
    path: endpoint.pathname,
    transports: env.TRANSPORTS ?? ["websocket"],
    protocols: [reflexEnvironment.version],
    autoUnref: false,
    query: { token: getToken() },
  });
  socket.current.on("connect", () => setConnectErrors([]));
  socket.current.on("connect_error", (error) => setConnectErrors((errors) => [errors.slice(-9), error]));
  socket.current.on("event", (update) => {
    const message = typeof update === "string" ? JSON5.parse(update) : update;
    for (const substate in message.delta) dispatch[substate]?.(message.delta[substate]);
  });
};

export function useEventLoop(dispatch, initial_events = () => [], client_storage = {}) {
  const socket = useRef(null);
  const [connectErrors, setConnectErrors] = useState([]);
  const queue = useRef([]);
  const flush = () => {
    if (!socket.current?.connected) return;
    while (queue.current.length) {
      const event = queue.current.shift();
      socket.current.emit("event", { ...event, token: getToken(), router_data: { pathname: window.location.pathname } });
    }
  };
  const addEvents = (events) => {
    queue.current.push(...events);
    flush();
  };
  useEffect(() => {
    if (!socket.current) connect(socket, dispatch, setConnectErrors);
    socket.current.on("connect", flush);
    cookies.get(TOKEN_KEY);
    return () => socket.current?.off("connect", flush);
  }, []);
  return [addEvents, connectErrors];
}
`;
}

export function globalStylesCss() {
  return `@layer __reflex_base;
@import url('@radix-ui/themes/styles.css');
@import url('./__reflex_style_reset.css');
@import url('./styles.css');
`;
}

export function styleResetCss() {
  return `@layer __reflex_base {
  *, *::before, *::after { box-sizing: border-box; }
  body { margin: 0; }
}
`;
}

// The app's own stylesheet (assets/styles.css copied into styles/ by Reflex).
export function appStylesCss() {
  return `.app-banner { border-left: 4px solid rgb(0, 128, 0); padding-left: 8px; }
`;
}

// A memo module: the memos of one Python module, each
// \`export const Name = memo(({...}) => { hooks; return(jsx(...)) })\`, below their imports.
export function memoModuleJsx(memos) {
  const imports = new Set();
  const bodies = memos.map((m) => {
    const { imports: mine, code } = memoJsx(m);
    for (const line of mine) imports.add(line);
    return code;
  });
  return `\n${[...imports].join("\n")}\n\n\n\n${bodies.join("")}`;
}

function memoJsx(memo) {
  const icon = memo.icon;
  const imports = [
    `import { memo, useContext, useState } from "react";`,
    `import { jsx } from "@emotion/react";`,
    `import { Box as RadixThemesBox, Button as RadixThemesButton, Card as RadixThemesCard, Text as RadixThemesText } from "@radix-ui/themes";`,
    `import { EventLoopContext, StateContexts } from "$/utils/context";`,
    `import { Event } from "$/utils/state";`,
  ];
  if (icon) imports.push(`import ${icon.name} from "lucide-react/dist/esm/icons/${icon.file}.mjs";`);
  if (memo.helper) imports.push(`import { ${memo.helper.name} } from "$/${memo.helper.id.replace(/\.js$/, "")}";`);
  const body = memo.counter ? counterBody(memo) : cardBody(memo);
  return { imports, code: `\nexport const ${memo.name} = memo(({${memo.counter ? "" : "title"}}) => {\n${body}\n});\n` };
}

function cardBody(memo) {
  const iconCall = memo.icon ? `jsx(${memo.icon.name},{size:16},),` : "";
  const label = memo.helper ? `${memo.helper.name}(${JSON.stringify(memo.label)})` : JSON.stringify(memo.label);
  return `    const [open, setOpen] = useState(false);
    return(
        jsx(RadixThemesCard,{css:({ ["padding"] : "8px" })},jsx(RadixThemesBox,{css:({ ["display"] : "flex", ["gap"] : "4px" })},${iconCall}jsx(RadixThemesText,{"data-testid":"${memo.testid}",as:"p",size:"2"},${label}),jsx("span",{"data-testid":"${memo.testid}-open",onClick:(() => setOpen(!open))},open ? "open" : "closed")))
    )`;
}

function counterBody(memo) {
  return `    const app_state = useContext(StateContexts.${STATE_KEY});
    const [addEvents, connectErrors] = useContext(EventLoopContext);
    const [local, setLocal] = useState(0);
    return(
        jsx(RadixThemesBox,{css:({ ["display"] : "flex", ["gap"] : "8px" })},jsx(RadixThemesText,{"data-testid":"${memo.testid}-label",as:"p"},${JSON.stringify(memo.label)}),jsx(RadixThemesText,{"data-testid":"count",as:"p"},String(app_state.${COUNT_VAR})),jsx(RadixThemesButton,{"data-testid":"increment",onClick:((_e) => (addEvents([(Event("${INCREMENT_EVENT}", ({  }), ({  })))], [_e], ({  }))))},"Increment"),jsx("button",{"data-testid":"local-button",onClick:(() => setLocal(local + 1))},"local"),jsx(RadixThemesText,{"data-testid":"local-count",as:"p"},String(local)),jsx(RadixThemesText,{"data-testid":"connect-errors",as:"p"},String(connectErrors.length)))
    )`;
}

export function helperJs(helper) {
  return `export const ${helper.name} = (text) => \`\${text}\`;\n`;
}

// A page: imports, then \`export default function Component()\` whose render is one long line.
export function pageJsx(page, memos) {
  const used = memos.filter((m) => m.page === page.index);
  const byModule = new Map();
  for (const m of used) byModule.set(m.module, [...(byModule.get(m.module) || []), m.name]);
  const memoImports = [...byModule].map(([mod, names]) => `import { ${names.join(", ")} } from "$/${mod.replace(/\.jsx$/, "")}";`);
  const nav = page.links.map((l) => `jsx(ReactRouterLink,{"data-testid":"nav-${l.testid}",to:${JSON.stringify(l.to)}},${JSON.stringify(l.text)})`).join(",");
  const render = `jsx(Fragment,{},jsx(RadixThemesFlex,{css:({ ["flexDirection"] : "column", ["gap"] : "12px", ["padding"] : "16px" })},jsx(RadixThemesHeading,{"data-testid":"page-title",size:"6"},${JSON.stringify(page.title)}),jsx(RadixThemesText,{"data-testid":"page-note",className:"app-banner",as:"p"},${JSON.stringify(page.note)}),jsx(RadixThemesFlex,{css:({ ["gap"] : "8px" })},${nav}),${page.param ? `jsx(RadixThemesText,{"data-testid":"param",as:"p"},String(params.${page.param})),` : ""}${used.map((m) => `jsx(${m.name},{title:${JSON.stringify(m.label)}},)`).join(",")}),jsx("title",{},${JSON.stringify(page.title)}))`;
  return `import { Fragment } from "react";
import { jsx } from "@emotion/react";
import { Flex as RadixThemesFlex, Heading as RadixThemesHeading, Text as RadixThemesText } from "@radix-ui/themes";
import { Link as ReactRouterLink${page.param ? ", useParams" : ""} } from "react-router";
${memoImports.join("\n")}




export default function Component() {
${page.param ? "  const params = useParams();\n" : ""}

  return (
    ${render}
  )
}`;
}

export function routesJs() {
  return `import { route } from "@react-router/dev/routes";
import { flatRoutes } from "@react-router/fs-routes";

export default [
  ...(await flatRoutes({
    ignoredRouteFiles: ["routes/\\\\[404\\\\]._index.jsx"],
  })),
];
`;
}

export function entryClientJs() {
  return `import { startTransition } from "react";
import { hydrateRoot } from "react-dom/client";
import { HydratedRouter } from "react-router/dom";
import { createElement } from "react";

startTransition(() => {
  hydrateRoot(document, createElement(HydratedRouter));
});
`;
}

// As Reflex 0.9 writes it (one JSON line); hr-orchestrate does not read it, `react-router dev` does
// (unstable_optimizeDeps: Vite's optimizer scans the route modules before the first request).
export function reactRouterConfigJs() {
  return `export default ${JSON.stringify({ basename: "/", future: { unstable_optimizeDeps: true }, ssr: false })};\n`;
}

// Tailwind v4, as Reflex's TailwindV4Plugin sets it up: postcss.config.js with only
// @tailwindcss/postcss (the plugin removes postcss-import and autoprefixer from Reflex's template),
// tailwind.config.js with Reflex's default content globs, and styles/tailwind.css pulling in
// Tailwind's layers with Radix's stylesheet as the components layer; the root stylesheet then
// imports ./tailwind.css where it imported Radix.
export function postcssConfigJs() {
  return `export default {
  plugins: {
  "@tailwindcss/postcss": {},
  },
};
`;
}

export function tailwindConfigJs() {
  return `export default {
    content: ["./app/**/*.{js,ts,jsx,tsx}","./utils/**/*.{js,ts,jsx,tsx}"],
    theme: {},
    plugins: [],
};
`;
}

export function tailwindCss() {
  return `@layer theme, base, components, utilities;
@import "tailwindcss/theme.css" layer(theme);
@import "tailwindcss/preflight.css" layer(base);
@import "@radix-ui/themes/styles.css" layer(components);
@import "tailwindcss/utilities.css" layer(utilities);
@config "../tailwind.config.js";
`;
}

export function globalStylesTailwindCss() {
  return globalStylesCss().replace("@import url('@radix-ui/themes/styles.css');", "@import url('./tailwind.css');");
}
