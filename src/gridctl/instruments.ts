import { ValueType } from '@opentelemetry/api';

/** A sum made from gridctl's metrics lines. */
export interface GridctlInstrument {
  name: string;
  unit: string;
  description: string;
  /** Cost: micro-USD counted, USD sent. Else a whole count. */
  cost: boolean;
  /** Which reset starts its series again: a token reset (`reset`) or a cost reset as well. */
  resetBy: 'tokens' | 'cost';
}

/**
 * The semantic conventions' `gen_ai.client.token.usage` is a histogram of the tokens of each
 * call; gridctl keeps running totals per server, so what can be sent is a sum, and a histogram
 * of minutes would pass for one of calls. The sums are ours, named `gridctl.*`; their attributes
 * are the conventions' where one exists (`gen_ai.token.type`, `gen_ai.tool.name`,
 * `gen_ai.request.model`, `gen_ai.prompt.name`).
 */
export const TOKEN_USAGE: GridctlInstrument = {
  name: 'gridctl.token.usage',
  unit: '{token}',
  description: "Tokens through the server's MCP calls, by gen_ai.token.type",
  cost: false,
  resetBy: 'tokens',
};
export const COST: GridctlInstrument = {
  name: 'gridctl.cost',
  unit: 'USD',
  description: "Priced cost of the server's calls, by gridctl.cost.type",
  cost: true,
  resetBy: 'cost',
};
export const TOOL_CALLS: GridctlInstrument = {
  name: 'gridctl.tool.calls',
  unit: '{call}',
  description: 'Calls of each tool',
  cost: false,
  resetBy: 'tokens',
};
export const TOOL_TOKEN_USAGE: GridctlInstrument = {
  name: 'gridctl.tool.token.usage',
  unit: '{token}',
  description: "Tokens of each tool's calls, by gen_ai.token.type",
  cost: false,
  resetBy: 'tokens',
};
export const TOOL_COST: GridctlInstrument = {
  name: 'gridctl.tool.cost',
  unit: 'USD',
  description: "Priced cost of each tool's calls",
  cost: true,
  resetBy: 'cost',
};
export const MODEL_COST: GridctlInstrument = {
  name: 'gridctl.model.cost',
  unit: 'USD',
  description: 'Priced cost by the model that priced it',
  cost: true,
  resetBy: 'cost',
};
export const MODEL_TOKEN_USAGE: GridctlInstrument = {
  name: 'gridctl.model.token.usage',
  unit: '{token}',
  description: 'Tokens priced under each model, by gen_ai.token.type',
  cost: false,
  resetBy: 'cost',
};
export const PROMPT_CALLS: GridctlInstrument = {
  name: 'gridctl.prompt.calls',
  unit: '{call}',
  description: 'prompts/get calls of each skill',
  cost: false,
  resetBy: 'tokens',
};

export const GRIDCTL_INSTRUMENTS: readonly GridctlInstrument[] = [
  TOKEN_USAGE,
  COST,
  TOOL_CALLS,
  TOOL_TOKEN_USAGE,
  TOOL_COST,
  MODEL_COST,
  MODEL_TOKEN_USAGE,
  PROMPT_CALLS,
];

export const TOKEN_TYPE = 'gen_ai.token.type';
export const COST_TYPE = 'gridctl.cost.type';
export const TOOL_NAME = 'gen_ai.tool.name';
export const MODEL_NAME = 'gen_ai.request.model';
export const PROMPT_NAME = 'gen_ai.prompt.name';

export function valueTypeOf(instrument: GridctlInstrument): ValueType {
  return instrument.cost ? ValueType.DOUBLE : ValueType.INT;
}
