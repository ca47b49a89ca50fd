import { mountCallPage } from '../../components/call/mount-call-page.ts';

// call.html#<callId>: one call, opened by the host when a call starts or is accepted.
void mountCallPage(decodeURIComponent(location.hash.slice(1)));
