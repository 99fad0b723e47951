// `node --import <this file>`: the kubelet stand-in starts every pod process (and the operator)
// with it, so they resolve cluster DNS names through the stand-in's hosts file.
import { HOSTS_FILE_ENV, installHostsLookup } from './hosts-lookup.js';

const file = process.env[HOSTS_FILE_ENV];
if (file) installHostsLookup(file);
