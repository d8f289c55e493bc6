// @peculiar/x509 needs a Reflect metadata polyfill loaded before it (tsyringe).
import "reflect-metadata";
