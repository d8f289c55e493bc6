import { Argument, Command } from "commander";

export const SHELLS = ["bash", "zsh", "fish"] as const;

export function completionCommand(): Command {
  return new Command("completion")
    .summary("Print the bash, zsh or fish completion script")
    .description("Print the completion script for bash, zsh or fish (commands, flags, values, files)")
    .addArgument(new Argument("<shell>", "the shell to complete for").choices(SHELLS))
    .addHelpText("after", EXAMPLES);
}

const EXAMPLES = `
The same scripts ship in the package's completions/ directory.

Examples:
  $ certctl completion bash > ~/.local/share/bash-completion/completions/certctl
  $ certctl completion zsh > ~/.zfunc/_certctl        # a directory in $fpath, before compinit
  $ certctl completion fish > ~/.config/fish/completions/certctl.fish
  $ source <(certctl completion bash)                  # try it in this shell only
`;
