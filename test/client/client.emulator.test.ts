/** The client's behaviour suite against the local PDD emulator (src/emulator). */
import { startEmulator } from "../../src/emulator";
import { clientBehaviourSuite } from "./behaviourSuite";

clientBehaviourSuite(startEmulator, "the PDD emulator");
