/** A work order as the gateway keeps it (from LIS's WorkOrderReleased), to push or to answer a query. */
export interface WorkOrder {
  workOrderId: string;
  accessionNumber: string;
  specimenId: string;
  specimenType: string;
  containerType: string;
  patientId: string;
  patientCode: string;
  patientName: string;
  /** "YYYY", "YYYY-MM" or "YYYY-MM-DD". */
  birthDate: string;
  /** HL7 table 0001: M, F, O, U. */
  sex: string;
  /** S stat, R routine. */
  priority: string;
  tests: Array<{ orderId: string; serviceCode: string; serviceName: string; loinc: string }>;
  collectedAt: string | null;
}
