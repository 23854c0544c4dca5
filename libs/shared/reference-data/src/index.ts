export * from './reference-data';
