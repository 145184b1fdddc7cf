export { DomainError, domainErrorCodes, notFound, type DomainErrorCode } from "./errors.ts";
export * from "./statuses.ts";
export { background, backgroundRunner, errorMessage, silentLogger, type BackgroundRunner, type Logger } from "./background.ts";
export { newId } from "./ids.ts";
export * from "./events/catalogue.ts";
export { asBoolean, asList, asNumber, asRecord, asString, asStrings, type JsonRecord } from "./untrusted-json.ts";
export { catalogueFields, catalogueTable, commonPayloadFields, describeShape, type CatalogueField } from "./events/describe.ts";
export { describePermissionRule, ruleIdOf } from "./rules.ts";
export { ROLES, roleAllows, type Role } from "./access.ts";
