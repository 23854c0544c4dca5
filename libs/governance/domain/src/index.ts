export * from './rejection';
export * from './context';
export * from './practice-governance';
export * from './measurements';
