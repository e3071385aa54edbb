import { mount } from "svelte";
import App from "./App.svelte";
import "./app.css";

const target = document.getElementById("app");
if (!target) throw new Error("DeepCall Desk: the page has no #app element");

export default mount(App, { target });
