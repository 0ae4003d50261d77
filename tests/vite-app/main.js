// A frontend that imports the bundler build of barg, as an app would.
import { Logger, format, route } from "barg";

const logger = new Logger("stories.generation", { user_id: 42 });
const event = logger.info("Story created from template: 42", { story_id: 5001 });
document.querySelector("#out").textContent = JSON.stringify({
  simple: format(event, "simple").replace(/^\[INFO\] \S+ \S+/, "[INFO] <time>"),
  routes: route(event),
});
