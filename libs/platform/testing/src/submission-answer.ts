/** One record's answer in the body of POST /v1/submissions, as a client reads it. */
export interface SubmissionResult {
  index: number;
  status: 'accepted' | 'duplicate' | 'rejected';
  eventId?: string;
  errors?: Array<{ path: string; code: string; message: string }>;
}

/** The body of POST /v1/submissions: why reading stopped (if it did), the counts, every record's answer. */
export interface SubmissionAnswer {
  error?: { code: string; message: string };
  accepted: number;
  duplicates: number;
  rejected: number;
  results: SubmissionResult[];
}
